# shellcheck shell=bash disable=SC2034 # variables read by run.sh
DESC="boot continues into a real ext4 root (busybox); the devices are still on vfio-pci after switch_root, the record survived in /run, and vfio-early status agrees"
GENS="initramfs-tools dracut dracut-shell"
MACHINES="standard rootdisk"
ROOT=yes
CONFIG="bind 0000:00:05.0"
APPEND="root=/dev/vda rootfstype=ext4 ro vfiotest.root intel_iommu=on iommu=pt"
assertions() {
	use_report initrd || return
	expect_dev 0000:00:05.0 driver=vfio-pci
	use_report root || return
	expect_rootfs 'ext4 /dev/vda'
	expect_dev 0000:00:05.0 driver=vfio-pci override=vfio-pci
	expect_dev 0000:00:05.1 driver=vfio-pci override=vfio-pci
	expect_dev 0000:00:0a.0 driver=virtio-pci
	expect_file /run/vfio-early/state.json present
	expect_state '"result": "bound"'
	expect_status_rc 0
}
