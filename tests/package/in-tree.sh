#!/bin/bash
# The package's life in one Debian userland: install, configure, rebuild,
# boot, upgrade twice, remove, purge; then the same package with dracut as
# the generator. Runs chrooted into a throwaway overlay of a debootstrap'd
# tree (tests/distro/root.sh with DISTRO_OVERLAY), started by
# tests/package/run.sh; every change it makes goes with that overlay.
#
#   in-tree.sh OUTDIR DEB1 DEB2 DEB3
#
# DEB1 and DEB2 are two builds of the tree (make deb, versions +test1 and
# +test2, same shipped config); DEB3 is DEB2 repacked with another shipped
# config (the upgrade where dpkg asks about an edited conffile). One line
# per step, "PASS SUITE STEP (N s)" or "FAIL SUITE STEP: why"; the first
# failure ends the run (later steps build on earlier ones), exit 1.
# Logs: OUTDIR/*.log.
set -eu

[ $# -eq 4 ] || {
	echo "usage: in-tree.sh OUTDIR DEB1 DEB2 DEB3" >&2
	exit 100
}
OUTDIR=$1 DEB1=$2 DEB2=$3 DEB3=$4
HERE=$(cd "$(dirname "$0")" && pwd)
export BOOT_OUT=$OUTDIR/boot
# shellcheck source=tests/boot/lib.sh
. "$HERE/../boot/lib.sh"
mkdir -p "$OUTDIR" "$BOOT_OUT"

STEP=setup
T_STEP=$(now)
fail() {
	printf 'FAIL %s %s: %s\n' "$DISTRO" "$STEP" "$*"
	exit 1
}
step() {
	STEP=$1
	T_STEP=$(now)
}
pass() {
	printf 'PASS %s %s (%s s)%s\n' "$DISTRO" "$STEP" "$(since "$T_STEP")" "${1:+: $1}"
}

version_of() { dpkg-deb -f "$1" Version; }
V1=$(version_of "$DEB1") V2=$(version_of "$DEB2") V3=$(version_of "$DEB3")

# apt_get LOG ARG...: apt-get, non-interactive, its output in OUTDIR/LOG.
apt_get() {
	local log=$OUTDIR/$1
	shift
	DEBIAN_FRONTEND=noninteractive apt-get -y -q "$@" < /dev/null > "$log" 2>&1 ||
		fail "apt-get $* failed; log: $log ($(grep -E '^(E|dpkg):' "$log" | head -n 2 | tr '\n' ' '))"
}
in_log() { # LOG FIXED-STRING WHAT
	grep -qF -- "$2" "$OUTDIR/$1" || fail "$3 (no \"$2\" in $OUTDIR/$1)"
}
status_is() { # "install ok installed VERSION" or "deinstall ok config-files VERSION"
	local got
	got=$(dpkg-query -W -f='${Status} ${Version}' vfio-early 2> /dev/null) || got="not known to dpkg"
	[ "$got" = "$1" ] || fail "dpkg: vfio-early is '$got', expected '$1'"
}
same_file() { # A B WHAT
	cmp -s "$1" "$2" || fail "$3: $1 differs from $2"
}

IMG=
image_list() { # the image's paths, one a line, no leading ./
	if command -v lsinitramfs > /dev/null; then
		lsinitramfs "$IMG"
	else
		lsinitrd "$IMG" | awk '$1 ~ /^[-dlcbps][-rwxsStT]{9}/ { print $NF }'
	fi | sed 's|^\./||'
}
in_image() { # PATH-ERE WHAT
	grep -qE -- "^($1)\$" <<< "$LIST" || fail "the image $IMG has no $2"
}
not_in_image() {
	! grep -qE -- "^($1)\$" <<< "$LIST" || fail "the image $IMG still has $2"
}
# The binary, the config, the boot hook and the vfio modules in the image;
# FOUND says what was found.
image_has_vfio_early() { # EXPECTED-CONFIG
	local m mods found=
	LIST=$(image_list) || fail "listing $IMG failed"
	in_image 'usr/sbin/vfio-early' "the binary (usr/sbin/vfio-early)"
	in_image 'etc/vfio-early.conf' "the config (etc/vfio-early.conf)"
	in_image 'etc/vfio-early/protected.list' "the protected list"
	in_image 'scripts/init-top/00-vfio-early|(usr|var)/lib/dracut/hooks/pre-udev/00-vfio-early-pre-udev.sh' "the boot hook"
	# -F for the kernel version (Debian 13's has a "+").
	mods=$(grep -E '^(usr/)?lib/modules/' <<< "$LIST" | grep -F -- "/modules/$KVER/kernel/drivers/vfio/" || :)
	for m in vfio vfio_iommu_type1 vfio-pci vfio-pci-core; do
		grep -qE -- "/$m\\.ko(\\.xz|\\.zst|\\.gz)?\$" <<< "$mods" ||
			fail "the image $IMG has no module $m for $KVER"
		found+=" $(grep -oE "/$m\\.ko[.a-z]*\$" <<< "$mods" | head -n 1 | tr -d /)"
	done
	image_file etc/vfio-early.conf > "$OUTDIR/image.conf"
	same_file "$OUTDIR/image.conf" "$1" "the config in the image"
	image_file usr/sbin/vfio-early > "$OUTDIR/image.bin"
	same_file "$OUTDIR/image.bin" /usr/sbin/vfio-early "the binary in the image"
	FOUND="usr/sbin/vfio-early, etc/vfio-early.conf (as expected), modules:$found"
}
image_file() { # PATH: its content, from the image
	local d
	if command -v unmkinitramfs > /dev/null; then
		d=$(mktemp -d "$OUTDIR/unpack.XXXXXX")
		unmkinitramfs "$IMG" "$d" > /dev/null 2>&1 || fail "unmkinitramfs $IMG failed"
		cat "$(find "$d" -path "*/$1" | head -n 1)"
		rm -rf "$d"
	else
		lsinitrd -f "$1" "$IMG"
	fi
}

# Every path in the tree but the mounts (-xdev), with its type and mode, into
# FILE.all; FILE without apt's binary caches (/var/cache/apt/*.bin: the tree
# was made with `apt-get clean`, and any apt run writes them anew).
APT_OWN='^[a-z] [0-7]+ /var/cache/apt/[a-z]+\.bin$'
snapshot() { # FILE
	find / -xdev -printf '%y %m %p\n' | LC_ALL=C sort > "$1.all"
	grep -vE "$APT_OWN" "$1.all" > "$1"
}

# ------------------------------------------------------------------ setup
find_kernel
IMG=/boot/initrd.img-$KVER
GUEST_DIR=$GUEST
# The distribution's own config, but MODULES=list instead of most: each image
# builds in seconds and boots in 256 MB, and the vfio modules can only come
# from the package's hook.
printf 'MODULES=list\nCOMPRESS=zstd\n' > /etc/initramfs-tools/conf.d/zz-vfiotest
# A system as it is before the package: the kernel's initramfs exists.
update-initramfs -c -k "$KVER" > "$OUTDIR/setup.log" 2>&1 || fail "update-initramfs -c -k $KVER failed; log: $OUTDIR/setup.log"
LIST=$(image_list)
not_in_image 'usr/sbin/vfio-early' "vfio-early before the package is installed"
snapshot "$OUTDIR/files.before"
pass "kernel $KVER, $(dpkg-query -W -f='${Version}' initramfs-tools) initramfs-tools, $(wc -l < "$OUTDIR/files.before") paths"

# ---------------------------------------------------------------- install
step install
apt_get install.log install "$DEB1"
status_is "install ok installed $V1"
dpkg-query -W -f='${Conffiles}\n' vfio-early | grep -qE '^ /etc/vfio-early.conf [0-9a-f]{32}$' ||
	fail "/etc/vfio-early.conf is not a conffile of vfio-early"
same_file /etc/vfio-early.conf /usr/share/doc/vfio-early/vfio-early.conf.example "the shipped config"
in_log install.log "vfio-early check: config /etc/vfio-early.conf" "postinst did not run vfio-early check"
in_log install.log "vfio-early: what to do next" "postinst did not say what to do next"
in_log install.log "put the config into the initramfs: update-initramfs -u" "postinst did not name update-initramfs"
in_log install.log "Processing triggers for initramfs-tools" "the update-initramfs trigger was not processed"
image_has_vfio_early /etc/vfio-early.conf
pass "the trigger rebuilt $IMG with vfio-early"

# ------------------------------------------------ configure, rebuild, look
step rebuild
cat > /etc/vfio-early.conf << 'EOF'
# edited by tests/package: the second GPU; its HDA function (same slot,
# same IOMMU group) follows
bind 0000:00:05.0
EOF
cp /etc/vfio-early.conf "$OUTDIR/edited.conf"
vfio-early validate > "$OUTDIR/validate.log" 2>&1 || fail "vfio-early validate rejects the config; log: $OUTDIR/validate.log"
# The boot tests' reporter (test-only: prints what the guest sees, powers
# off), beside the package's hook for this one build.
cp "$GUEST_DIR/initramfs-tools/hooks/zz-vfiotest" /etc/initramfs-tools/hooks/
cp "$GUEST_DIR/initramfs-tools/scripts/init-premount/zz-vfiotest" /etc/initramfs-tools/scripts/init-premount/
VFIOTEST_GUEST=$GUEST_DIR update-initramfs -u -k "$KVER" > "$OUTDIR/rebuild.log" 2>&1 ||
	fail "update-initramfs -u -k $KVER failed; log: $OUTDIR/rebuild.log"
rm -f /etc/initramfs-tools/hooks/zz-vfiotest /etc/initramfs-tools/scripts/init-premount/zz-vfiotest
cp "$IMG" "$OUTDIR/boot.img"
image_has_vfio_early "$OUTDIR/edited.conf"
pass "update-initramfs -u -k $KVER; image: $FOUND"

# ------------------------------------------------------------------- boot
step boot
LOG=$OUTDIR/boot.log
boot "$OUTDIR/boot.img" "$LOG" "intel_iommu=on iommu=pt" standard || :
if grep -q 'Linux version' "$LOG" && ! grep -q 'Run /init as init process' "$LOG"; then
	cp "$LOG" "$LOG.first" # TCG hiccup before our code ran: once more
	boot "$OUTDIR/boot.img" "$LOG" "intel_iommu=on iommu=pt" standard || :
fi
REPORT=$(report "$LOG" initrd)
grep -q '^end ' <<< "$REPORT" || fail "no complete report from the guest; serial log: $LOG"
driver_of() { awk -v a="$1" '$1 == "dev" && $2 == a { for (i = 3; i <= NF; i++) if ($i ~ /^driver=/) print substr($i, 8) }' <<< "$REPORT"; }
group_of() { awk -v a="$1" '$1 == "dev" && $2 == a { for (i = 3; i <= NF; i++) if ($i ~ /^group=/) print substr($i, 7) }' <<< "$REPORT"; }
for want in 0000:00:05.0=vfio-pci 0000:00:05.1=vfio-pci 0000:00:06.0=snd_hda_intel 0000:00:02.0=bochs-drm; do
	got=$(driver_of "${want%%=*}")
	[ "$got" = "${want#*=}" ] || fail "${want%%=*} is on '${got:-nothing}', expected ${want#*=}; serial log: $LOG"
done
g=$(group_of 0000:00:05.0)
if [ -z "$g" ] || [ "$g" != "$(group_of 0000:00:05.1)" ]; then
	fail "00:05.0 (group ${g:-none}) and 00:05.1 do not share an IOMMU group; serial log: $LOG"
fi
for m in bochs snd_hda_intel vfio_pci vfio_iommu_type1; do
	grep -qx "module $m" <<< "$REPORT" || fail "module $m was not loaded in the guest; serial log: $LOG"
done
grep -qE '^kmsg .*vfio-early: group [0-9]+: bound 0000:00:05.0 0000:00:05.1 \(group member\) to vfio-pci' <<< "$REPORT" ||
	fail "no 'bound 0000:00:05.0 0000:00:05.1 to vfio-pci' line in the guest's kernel log; serial log: $LOG"
pass "GPU 00:05.0 + HDA 00:05.1 on vfio-pci, 00:06.0 on snd_hda_intel, boot VGA on bochs-drm"

# --------------------------------------------------- upgrade, same config
step upgrade
apt_get upgrade.log install "$DEB2"
status_is "install ok installed $V2"
same_file /etc/vfio-early.conf "$OUTDIR/edited.conf" "the edited config after the upgrade to $V2"
[ -z "$(find /etc -maxdepth 1 -name 'vfio-early.conf?*')" ] || fail "upgrade left $(find /etc -maxdepth 1 -name 'vfio-early.conf?*')"
in_log upgrade.log "Processing triggers for initramfs-tools" "the upgrade did not rebuild the initramfs"
image_has_vfio_early "$OUTDIR/edited.conf"
pass "$V1 -> $V2: edited config kept, image rebuilt with it"

# -------------------------------- upgrade, the shipped config changed too
step upgrade-conffile
apt_get upgrade-conffile.log -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold install "$DEB3"
status_is "install ok installed $V3"
same_file /etc/vfio-early.conf "$OUTDIR/edited.conf" "the edited config after the upgrade to $V3"
[ -f /etc/vfio-early.conf.dpkg-dist ] || fail "no /etc/vfio-early.conf.dpkg-dist (the new shipped config)"
dpkg-deb --fsys-tarfile "$DEB3" | tar -xOf - ./etc/vfio-early.conf > "$OUTDIR/shipped3.conf"
same_file /etc/vfio-early.conf.dpkg-dist "$OUTDIR/shipped3.conf" "the new shipped config"
in_log upgrade-conffile.log "Configuration file '/etc/vfio-early.conf'" "dpkg did not report the conffile change"
pass "$V2 -> $V3 (--force-confold): edited config kept, new one as .dpkg-dist"

# ----------------------------------------------------------------- remove
step remove
apt_get remove.log remove vfio-early
status_is "deinstall ok config-files $V3"
same_file /etc/vfio-early.conf "$OUTDIR/edited.conf" "the edited config after remove"
for f in /usr/sbin/vfio-early /usr/share/initramfs-tools/hooks/vfio-early /usr/lib/dracut/modules.d/90vfio-early; do
	[ ! -e "$f" ] || fail "$f is still there after remove"
done
in_log remove.log "Processing triggers for initramfs-tools" "remove did not rebuild the initramfs"
LIST=$(image_list)
not_in_image 'usr/sbin/vfio-early' "vfio-early after remove"
not_in_image 'etc/vfio-early.conf' "the config after remove"
pass "config kept, image rebuilt without vfio-early"

# ------------------------------------------------------------------ purge
step purge
apt_get purge.log purge vfio-early
if dpkg-query -W -f='${Status}' vfio-early > /dev/null 2>&1; then
	s=$(dpkg-query -W -f='${Status}' vfio-early)
	[ "$s" = "unknown ok not-installed" ] || fail "dpkg: vfio-early is '$s' after purge"
fi
snapshot "$OUTDIR/files.after"
if ! diff -u "$OUTDIR/files.before" "$OUTDIR/files.after" > "$OUTDIR/files.diff"; then
	fail "purge left the tree different from before the install: $(grep -c '^[-+][^-+]' "$OUTDIR/files.diff") path(s), e.g. $(grep -m 3 '^[-+][^-+]' "$OUTDIR/files.diff" | tr '\n' ' '); diff: $OUTDIR/files.diff"
fi
# What the exclusion hid, said: apt's caches only.
diff "$OUTDIR/files.before.all" "$OUTDIR/files.after.all" | sed -n 's/^[<>] [a-z] [0-7]* //p' | LC_ALL=C sort -u |
	paste -sd ' ' - > "$OUTDIR/files.apt-own"
pass "no file left behind: $(wc -l < "$OUTDIR/files.after") paths, the same as before the install (apart from apt's caches: $(cat "$OUTDIR/files.apt-own"))"

# -------------------------------------------------- dracut as the generator
# Debian's dracut (not dracut-core alone) replaces initramfs-tools, ships no
# update-initramfs command and declares interest in the update-initramfs
# trigger: activating that trigger is how its image gets rebuilt.
step dracut
# Test speed only: the kernel drivers limited to one (as the boot tests
# do), so an image builds in seconds; dracut's own modules are as shipped.
printf 'hostonly="no"\ndrivers="ext4"\ncompress="zstd -q -3 -T0"\n' > /etc/dracut.conf.d/90-vfiotest.conf
# dracut's .deb is kept beside the tree (one download, later runs offline).
archives=${PKG_ARCHIVES:?}
mkdir -p "$archives/partial"
if ! DEBIAN_FRONTEND=noninteractive apt-get -y -q -o "Dir::Cache::Archives=$archives" install dracut "$DEB2" \
	< /dev/null > "$OUTDIR/dracut-install.log" 2>&1; then
	# The tree's package lists may be older than the archive: refresh, retry.
	apt-get -q update > "$OUTDIR/dracut-update.log" 2>&1 || fail "apt-get update failed; log: $OUTDIR/dracut-update.log"
	apt_get dracut-install.log -o "Dir::Cache::Archives=$archives" install dracut "$DEB2"
fi
status_is "install ok installed $V2"
! dpkg-query -W -f='${Status}\n' initramfs-tools 2> /dev/null | grep -q '^install ok installed$' || fail "initramfs-tools is still installed"
hash -r # bash remembers where update-initramfs was
! command -v update-initramfs > /dev/null || fail "update-initramfs exists with dracut installed: $(command -v update-initramfs)"
in_log dracut-install.log "put the config into the initramfs: dracut -f" "postinst did not name dracut -f"
in_log dracut-install.log "Processing triggers for dracut" "dracut did not process the update-initramfs trigger"
[ -s "$IMG" ] || fail "no $IMG after the dracut trigger"
image_has_vfio_early /etc/vfio-early.conf
pass "dracut $(dpkg-query -W -f='${Version}' dracut): the trigger rebuilt $IMG with $FOUND"

step dracut-purge
apt_get dracut-purge.log purge vfio-early
in_log dracut-purge.log "Processing triggers for dracut" "purge did not rebuild the dracut image"
LIST=$(image_list)
not_in_image 'usr/sbin/vfio-early' "vfio-early after purge"
[ ! -e /etc/vfio-early.conf ] || fail "/etc/vfio-early.conf is still there after purge"
pass "image rebuilt by dracut without vfio-early"
