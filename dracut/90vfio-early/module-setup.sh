#!/bin/bash
# shellcheck disable=SC2154 # initdir and moddir are set by dracut
# dracut module for vfio-early: puts the binary, its config, the vfio modules
# and the build-time list of protected devices into the image, and runs the
# binder from a pre-udev hook (before udevd starts, in both the systemd and
# the shell initrd).

# Where the shared image logic lives; `make install` rewrites this default.
: "${VFIO_EARLY_LIB:=/usr/share/vfio-early/vfio-early-image.sh}"

vfio_early_source_lib() {
    if [[ ! -r $VFIO_EARLY_LIB ]]; then
        dfatal "vfio-early: $VFIO_EARLY_LIB is missing; reinstall vfio-early"
        return 1
    fi
    # shellcheck source=hooks/vfio-early-image.sh
    . "$VFIO_EARLY_LIB"
}

# called by dracut
check() {
    # Included by default as soon as there is a config; never otherwise.
    [[ -e ${VFIO_EARLY_CONFIG:-/etc/vfio-early.conf} ]] || return 255
    [[ -x ${VFIO_EARLY_BINARY:-/usr/sbin/vfio-early} ]] || return 1
    return 0
}

# called by dracut
depends() {
    return 0
}

# called by dracut
installkernel() {
    # hostonly='': a hostonly image would leave out modules no device uses yet.
    # shellcheck disable=SC2034 # read by instmods
    local hostonly=''
    # vfio_iommu_type1 arrives only through vfio's softdep: name it.
    instmods vfio vfio_iommu_type1 vfio_pci
    vfio_early_source_lib || return 1
    # The kernel's vfio-pci variant drivers, if it has any (see the lib).
    local variants
    # shellcheck disable=SC2154 # kernel is set by dracut
    variants=$(vfio_early_variant_modules "$kernel")
    # shellcheck disable=SC2086 # a word list by design
    [[ -z $variants ]] || instmods $variants
    # dracut runs this after install(), and checks its status. The binder's
    # libkmod hands compressed modules to the kernel as they are: store
    # decompressed those this kernel cannot decompress itself.
    # shellcheck disable=SC2154 # kernel is set by dracut
    if ! vfio_early_fix_modules "$initdir" "$kernel"; then
        dfatal "vfio-early: the vfio modules in this image could not be loaded at boot (see above); not building it"
        return 1
    fi
}

# called by dracut
install() {
    vfio_early_source_lib || exit 1

    # dracut 059 ignores install()'s return value (module_install's status is
    # not checked), so a broken config would silently give an image without
    # vfio-early. Stop dracut instead, as 00systemd does; its EXIT trap
    # cleans up and the old image stays.
    if ! vfio_early_validate; then
        dfatal "vfio-early: $VFIO_EARLY_CONFIG does not parse (see above); fix it, then run dracut again"
        exit 1
    fi

    inst_binary "$VFIO_EARLY_BINARY" "$VFIO_EARLY_IMG_BINARY"
    inst_simple "$VFIO_EARLY_CONFIG" "$VFIO_EARLY_IMG_CONFIG"
    # mdev rules: created by udev when their parent registers (in the image too)
    if vfio_early_has_mdev && ! inst_simple "$VFIO_EARLY_MDEV_RULES" "$VFIO_EARLY_IMG_MDEV_RULES"; then
        dfatal "vfio-early: $VFIO_EARLY_CONFIG has mdev rules but $VFIO_EARLY_MDEV_RULES cannot be installed; reinstall vfio-early"
        exit 1
    fi
    inst_dir "${VFIO_EARLY_IMG_PROTECTED%/*}"
    if ! vfio_early_write_protected "${initdir}${VFIO_EARLY_IMG_PROTECTED}"; then
        dfatal "vfio-early: could not list the devices this host needs (vfio-early protected failed); not building an image without that protection"
        exit 1
    fi
    # modules.softdep and the modules.*.bin indexes libkmod reads: dracut runs
    # depmod on the image after all modules are installed, which writes them.

    # 00: before every other pre-udev hook (fips 01, dm/mdraid 30, ...).
    inst_hook pre-udev 00 "$moddir/vfio-early-pre-udev.sh"
}
