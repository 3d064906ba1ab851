# shellcheck shell=sh disable=SC2034 # the variables are read by the files sourcing this
# vfio-early: what goes into an initramfs, shared by the initramfs-tools hook
# and the dracut module so the two generators cannot drift apart.
# Sourced (POSIX sh; dracut sources it from bash). Defines variables and
# functions only; prints nothing and exits nothing by itself.
#
# Environment (tests point these at private files; a real host uses defaults):
#   VFIO_EARLY_BINARY   the binary to copy          (/usr/sbin/vfio-early)
#   VFIO_EARLY_CONFIG   the config to copy          (/etc/vfio-early.conf)
#   VFIO_EARLY_SYSROOT  root whose devices are protected (/); tests feed a
#                       tree that mirrors the guest

: "${VFIO_EARLY_BINARY:=/usr/sbin/vfio-early}"
: "${VFIO_EARLY_CONFIG:=/etc/vfio-early.conf}"
: "${VFIO_EARLY_SYSROOT:=}"

# Paths inside the image. The boot scripts hard-code the same three.
VFIO_EARLY_IMG_BINARY=/usr/sbin/vfio-early
VFIO_EARLY_IMG_CONFIG=/etc/vfio-early.conf
VFIO_EARLY_IMG_PROTECTED=/etc/vfio-early/protected.list

# vfio_pci pulls vfio_pci_core, vfio and irqbypass through modules.dep;
# vfio_iommu_type1 comes only through vfio's softdep, which neither generator
# resolves when copying modules, so it is named here.
VFIO_EARLY_MODULES="vfio vfio_iommu_type1 vfio_pci"

# What libkmod in the binary reads at boot. Both generators run depmod on the
# image after the hooks, which writes all of these (modules.builtin.bin is
# copied from the host); listed so tests can check the image for them.
# Without modules.softdep vfio_iommu_type1 is silently not loaded.
VFIO_EARLY_KMOD_FILES="modules.dep.bin modules.alias.bin modules.symbols.bin modules.builtin.bin modules.softdep"

# True when this host wants vfio-early in its images: a config and a binary.
# Without a config there is nothing to do at boot, so nothing is added.
vfio_early_wanted()
{
	[ -e "$VFIO_EARLY_CONFIG" ] && [ -x "$VFIO_EARLY_BINARY" ]
}

# Parse the config with the binary's own parser. Its "FILE:LINE: ..." errors
# go to stderr untouched; returns the binary's exit status (2: does not parse).
vfio_early_validate()
{
	"$VFIO_EARLY_BINARY" --config "$VFIO_EARLY_CONFIG" validate
}

# vfio_early_write_protected FILE
# Write the PCI devices this host needs (root disk, /boot, /usr, swap, the
# default-route NIC) as computed now, at build time, by the same code that
# `vfio-early check` runs: inside the initramfs / is not mounted yet, so the
# binder cannot find them itself. A failure here means the image would lose
# that protection: return non-zero and let the caller fail the build.
vfio_early_write_protected()
{
	_ve_out=$1
	if [ -n "$VFIO_EARLY_SYSROOT" ]; then
		set -- --sysroot "$VFIO_EARLY_SYSROOT" protected
	else
		set -- protected
	fi
	_ve_list=$("$VFIO_EARLY_BINARY" "$@") || return
	{
		echo "# vfio-early protected devices, computed when this image was built"
		echo "# (vfio-early ${*}); the binder refuses any IOMMU group holding one."
		[ -n "$_ve_list" ] && printf '%s\n' "$_ve_list"
	} > "$_ve_out" || return
	unset _ve_out _ve_list
	return 0
}
