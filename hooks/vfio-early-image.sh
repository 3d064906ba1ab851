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
#   VFIO_EARLY_MDEV_RULES  the udev rule for mdev rules, with the image's paths

: "${VFIO_EARLY_BINARY:=/usr/sbin/vfio-early}"
: "${VFIO_EARLY_CONFIG:=/etc/vfio-early.conf}"
: "${VFIO_EARLY_SYSROOT:=}"
: "${VFIO_EARLY_MDEV_RULES:=/usr/share/vfio-early/61-vfio-early-mdev.rules}"

# Paths inside the image. The boot scripts hard-code the same three.
VFIO_EARLY_IMG_BINARY=/usr/sbin/vfio-early
VFIO_EARLY_IMG_CONFIG=/etc/vfio-early.conf
VFIO_EARLY_IMG_PROTECTED=/etc/vfio-early/protected.list
# udevd reads /usr/lib/udev/rules.d in every image (merged /usr or not).
VFIO_EARLY_IMG_MDEV_RULES=/usr/lib/udev/rules.d/61-vfio-early-mdev.rules

# vfio_pci pulls vfio_pci_core, vfio and irqbypass through modules.dep;
# vfio_iommu_type1 comes only through vfio's softdep, which neither generator
# resolves when copying modules, so it is named here.
VFIO_EARLY_MODULES="vfio vfio_iommu_type1 vfio_pci"

# What libkmod in the binary reads at boot. Both generators run depmod on the
# image after the hooks, which writes all of these (modules.builtin.bin is
# copied from the host); listed so tests can check the image for them.
# Without modules.softdep vfio_iommu_type1 is silently not loaded. The binder
# itself reads modules.alias (text) to choose a vfio-pci variant driver.
VFIO_EARLY_KMOD_FILES="modules.dep.bin modules.alias.bin modules.symbols.bin modules.builtin.bin modules.softdep"

# vfio_early_variant_modules KVER: the vfio-pci variant drivers of that
# kernel (modules with a "vfio_pci:" alias other than vfio_pci's own catch-all;
# PCI_DRIVER_OVERRIDE_DEVICE_VFIO id entries), one a line. The binder picks
# one for a device by the image's modules.alias, which depmod writes from the
# modules in the image: carrying them all makes boot choose what `vfio-early
# check` shows on the host. They bind only through driver_override, so being
# in the image claims nothing. Debian's own kernels build none.
vfio_early_variant_modules()
{
	for _ve_d in "/lib/modules/$1" "/usr/lib/modules/$1"; do
		[ -r "$_ve_d/modules.alias" ] || continue
		sed -n 's/^alias vfio_pci:[^ ]* \([A-Za-z0-9_-]*\)$/\1/p' "$_ve_d/modules.alias" | tr - _ | grep -vx vfio_pci | sort -u
		return 0
	done
}

# vfio_early_kernel_decompresses KVER -> "xz", "zstd" or "gzip" (the one
# format that kernel decompresses in finit_module), "none", or "unknown" (no
# kernel config found). From the kernel's config: MODULE_DECOMPRESS decodes
# the format chosen by MODULE_COMPRESS_* (Linux 5.17 for gzip/xz, 6.2 zstd).
vfio_early_kernel_decompresses()
{
	for _ve_cfg in "/boot/config-$1" "/lib/modules/$1/config" "/usr/lib/modules/$1/config"; do
		[ -r "$_ve_cfg" ] || continue
		if ! grep -qx 'CONFIG_MODULE_DECOMPRESS=y' "$_ve_cfg"; then
			echo none
			return 0
		fi
		for _ve_f in XZ:xz ZSTD:zstd GZIP:gzip; do
			if grep -qx "CONFIG_MODULE_COMPRESS_${_ve_f%%:*}=y" "$_ve_cfg"; then
				echo "${_ve_f#*:}"
				return 0
			fi
		done
		echo none
		return 0
	done
	echo unknown
}

# vfio_early_file_format FILE -> elf, xz, zstd, gzip or unknown (by content:
# libkmod and the kernel go by the magic bytes, never by the name).
vfio_early_file_format()
{
	case $(od -An -tx1 -N6 "$1" 2> /dev/null | tr -d ' \n') in
	7f454c46*) echo elf ;;
	fd377a585a00) echo xz ;;
	28b52ffd*) echo zstd ;;
	1f8b*) echo gzip ;;
	*) echo unknown ;;
	esac
}

# vfio_early_module_names KVER: the modules the binder loads at boot (with
# their dependencies and softdeps, as modprobe resolves them), one a line,
# underscores for dashes.
vfio_early_module_names()
{
	# shellcheck disable=SC2086,SC2046 # word lists by design
	modprobe -a -S "$1" --show-depends $VFIO_EARLY_MODULES $(vfio_early_variant_modules "$1") 2> /dev/null |
		sed -n 's|^insmod .*/\([^/]*\)\.ko[.a-z]* *$|\1|p' | tr - _ | sort -u
}

# vfio_early_fix_modules IMAGE_ROOT KVER
# Make the modules the binder loads loadable by KVER inside the image. The
# binder's libkmod has no decompressor: a compressed module goes to the kernel
# as it is, which works only when the kernel decompresses that format. Any
# other compressed one is stored decompressed under the same name (modules.dep
# keeps pointing at it). Fails, saying why, when one is missing or cannot be
# made loadable: an image that binds nothing must not look like one that works.
vfio_early_fix_modules()
{
	_ve_root=$1 _ve_kver=$2
	_ve_kfmt=$(vfio_early_kernel_decompresses "$_ve_kver")
	_ve_names=" $(vfio_early_module_names "$_ve_kver" | tr '\n' ' ') "
	for _ve_m in $VFIO_EARLY_MODULES; do
		case $_ve_names in
		*" $_ve_m "*) ;;
		*)
			if ! grep -q "/$(echo "$_ve_m" | sed 's/_/[-_]/g')\.ko\$" "/lib/modules/$_ve_kver/modules.builtin" 2> /dev/null; then
				echo "vfio-early: kernel $_ve_kver has no module $_ve_m (not in /lib/modules/$_ve_kver, not built in): vfio-early could not bind anything with it" >&2
				return 1
			fi
			;;
		esac
	done
	# The image's module tree: usr/lib/modules (merged /usr, initramfs-tools
	# 0.148, dracut) or lib/modules; once if one is a link to the other.
	_ve_files=$(for _ve_d in "$_ve_root/usr/lib/modules/$_ve_kver" "$_ve_root/lib/modules/$_ve_kver"; do
		[ -d "$_ve_d" ] && [ ! -L "${_ve_d%/modules/*}" ] && find "$_ve_d/" -name '*.ko*' -type f
	done)
	_ve_seen=" "
	while IFS= read -r _ve_f; do
		[ -n "$_ve_f" ] || continue
		_ve_n=${_ve_f##*/}
		_ve_n=$(printf '%s' "${_ve_n%%.ko*}" | tr - _)
		case $_ve_names in *" $_ve_n "*) ;; *) continue ;; esac
		_ve_seen="$_ve_seen$_ve_n "
		_ve_fmt=$(vfio_early_file_format "$_ve_f")
		case $_ve_fmt in
		elf) continue ;;
		unknown)
			echo "vfio-early: kernel $_ve_kver: ${_ve_f#"$_ve_root"} is neither ELF nor xz/zstd/gzip: cannot load it" >&2
			return 1
			;;
		esac
		[ "$_ve_fmt" = "$_ve_kfmt" ] && continue
		case $_ve_fmt in
		xz) _ve_tool=xz _ve_pkg=xz-utils ;;
		zstd) _ve_tool=zstd _ve_pkg=zstd ;;
		gzip) _ve_tool=gzip _ve_pkg=gzip ;;
		esac
		if ! command -v "$_ve_tool" > /dev/null; then
			echo "vfio-early: kernel $_ve_kver decompresses modules: $_ve_kfmt; ${_ve_f##*/} is $_ve_fmt and $_ve_tool is not installed to unpack it: install $_ve_tool (Debian: apt-get install $_ve_pkg), then rebuild" >&2
			return 1
		fi
		if ! "$_ve_tool" -dc < "$_ve_f" > "$_ve_f.vfio-early" || [ "$(vfio_early_file_format "$_ve_f.vfio-early")" != elf ]; then
			rm -f "$_ve_f.vfio-early"
			echo "vfio-early: kernel $_ve_kver: unpacking ${_ve_f#"$_ve_root"} ($_ve_fmt) failed" >&2
			return 1
		fi
		mv "$_ve_f.vfio-early" "$_ve_f" || return 1
		echo "vfio-early: kernel $_ve_kver decompresses modules: $_ve_kfmt; stored ${_ve_f##*/} ($_ve_fmt) decompressed" >&2
	done <<- EOF
		$_ve_files
	EOF
	# The three vfio-early loads by name must be in the image, unless built
	# in (then they are not in $_ve_names); their dependencies come along
	# with them through the generator.
	for _ve_m in $VFIO_EARLY_MODULES; do
		case $_ve_names in *" $_ve_m "*) ;; *) continue ;; esac
		case $_ve_seen in
		*" $_ve_m "*) ;;
		*)
			echo "vfio-early: kernel $_ve_kver: module $_ve_m is not in this image (under $_ve_root/usr/lib/modules or $_ve_root/lib/modules): vfio-early could not load it" >&2
			return 1
			;;
		esac
	done
}

# True when this host wants vfio-early in its images: a config and a binary.
# Without a config there is nothing to do at boot, so nothing is added.
vfio_early_wanted()
{
	[ -e "$VFIO_EARLY_CONFIG" ] && [ -x "$VFIO_EARLY_BINARY" ]
}

# True when the config has an mdev rule: the image then gets the udev rule
# that creates them when their parent registers (a parent the initramfs's
# udev loads the driver of). The config parses (vfio_early_validate first).
vfio_early_has_mdev()
{
	grep -Eq '^[[:space:]]*mdev[[:space:]]' "$VFIO_EARLY_CONFIG"
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
