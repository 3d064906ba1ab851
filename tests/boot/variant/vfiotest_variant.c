// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfiotest_variant: the smallest vfio-pci variant driver, for vfio-early's
 * boot tests only (tests/boot/scenarios/20-variant-driver.sh). It claims
 * QEMU's std VGA (1234:1111) only through driver_override, as every variant
 * driver does (PCI_DRIVER_OVERRIDE_DEVICE_VFIO: modpost writes the alias
 * "vfio_pci:v00001234d00001111sv*sd*bc*sc*i*"), and hands everything else
 * to vfio_pci_core, like vfio-pci itself. The PCI driver name differs from
 * the module name on purpose: the binder must find the driver name in
 * /sys/module/vfiotest_variant/drivers/pci:vfiotest-vfio-pci.
 * Builds against Linux 6.1 (Debian 12) and 6.12 (Debian 13) headers.
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/version.h>
#include <linux/vfio.h>
#include <linux/vfio_pci_core.h>

static int vfiotest_open_device(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev = container_of(core_vdev, struct vfio_pci_core_device, vdev);
	int ret = vfio_pci_core_enable(vdev);

	if (ret)
		return ret;
	vfio_pci_core_finish_enable(vdev);
	return 0;
}

static const struct vfio_device_ops vfiotest_ops = {
	.name = "vfiotest-vfio-pci",
	.init = vfio_pci_core_init_dev,
	.release = vfio_pci_core_release_dev,
	.open_device = vfiotest_open_device,
	.close_device = vfio_pci_core_close_device,
	.ioctl = vfio_pci_core_ioctl,
	.device_feature = vfio_pci_core_ioctl_feature,
	.read = vfio_pci_core_read,
	.write = vfio_pci_core_write,
	.mmap = vfio_pci_core_mmap,
	.request = vfio_pci_core_request,
	.match = vfio_pci_core_match,
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	/* With CONFIG_IOMMUFD the vfio core refuses a device without these. */
	.bind_iommufd = vfio_iommufd_physical_bind,
	.unbind_iommufd = vfio_iommufd_physical_unbind,
	.attach_ioas = vfio_iommufd_physical_attach_ioas,
#endif
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	.detach_ioas = vfio_iommufd_physical_detach_ioas,
#endif
};

static int vfiotest_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vfio_pci_core_device *vdev;
	int ret;

	vdev = vfio_alloc_device(vfio_pci_core_device, vdev, &pdev->dev, &vfiotest_ops);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);
	dev_set_drvdata(&pdev->dev, vdev);
	ret = vfio_pci_core_register_device(vdev);
	if (ret) {
		vfio_put_device(&vdev->vdev);
		return ret;
	}
	dev_info(&pdev->dev, "vfiotest-vfio-pci: bound (test variant driver)\n");
	return 0;
}

static void vfiotest_remove(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(&pdev->dev);

	vfio_pci_core_unregister_device(vdev);
	vfio_put_device(&vdev->vdev);
}

static const struct pci_device_id vfiotest_table[] = {
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(0x1234, 0x1111) }, /* QEMU std VGA */
	{}
};
MODULE_DEVICE_TABLE(pci, vfiotest_table);

static struct pci_driver vfiotest_driver = {
	.name = "vfiotest-vfio-pci",
	.id_table = vfiotest_table,
	.probe = vfiotest_probe,
	.remove = vfiotest_remove,
	.err_handler = &vfio_pci_core_err_handlers,
	.driver_managed_dma = true,
};
module_pci_driver(vfiotest_driver);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vfio-early boot-test vfio-pci variant driver (QEMU std VGA)");
