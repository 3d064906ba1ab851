#!/bin/sh
# make package-check: the Debian package, proven (tests/package/README.md).
#   1. make deb twice from this tree, as VERSION+test1 and VERSION+test2;
#      +test3 is +test2 repacked with a changed shipped config
#   2. make install from a copy of the tree without tests/ and bench/
#      installs the same files as from the whole tree, and the .deb holds
#      exactly those (plus Debian's own docs)
#   3. in each Debian userland of the distro matrix (PKG_SUITES: bookworm
#      trixie; tests/distro/root.sh), tests/package/in-tree.sh in a
#      throwaway overlay of the cached tree: install, rebuild, boot in QEMU,
#      upgrade, remove, purge, dracut; the cached tree must not change
# One PASS/FAIL line per step, the time of each part, then "N passed, N
# failed"; exit 1 on any failure. Output and logs: BUILD/pkg (build/pkg).
# Needs root (overlay mounts, chroot), debhelper and lintian on the host.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${BUILD:-build}
case $build in /*) ;; *) build=$repo/$build ;; esac
out=$build/pkg
distro_dir=${DISTRO_DIR:-$repo/build/distro}
suites=${PKG_SUITES:-bookworm trixie}

die() { printf 'package: %s\n' "$*" >&2; exit 1; }
now() { date +%s; }
[ "$(id -u)" = 0 ] || die "needs root (debootstrap trees, overlay mounts, chroot)"

# What this run adds outside build/pkg's results: overlays and scratch
# copies. Removed on any exit; the mounts live in private namespaces and end
# with their processes.
cleanup() {
	rm -rf "$out/overlay" "$out/tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

T0=$(now)
rm -rf "$out"
mkdir -p "$out/tmp" "$out/overlay"
results=$out/results
: > "$results"
pass() { printf 'PASS %s\n' "$*" | tee -a "$results"; }
fail() { printf 'FAIL %s\n' "$*" | tee -a "$results"; }

# ------------------------------------------------------------ 1. packages
top=$(dpkg-parsechangelog -l "$repo/debian/changelog" -S Version)
arch=$(dpkg --print-architecture)
t=$(now)
for n in 1 2; do
	make -C "$repo" --no-print-directory deb BUILD="$build" DEB_VERSION="$top+test$n" DEB_OUT="$out/test$n" \
		> "$out/deb-test$n.log" 2>&1 || {
		cat "$out/deb-test$n.log" >&2
		die "make deb DEB_VERSION=$top+test$n failed; log: $out/deb-test$n.log"
	}
done
deb1=$out/test1/vfio-early_${top}+test1_$arch.deb
deb2=$out/test2/vfio-early_${top}+test2_$arch.deb
for d in "$deb1" "$deb2"; do
	[ -f "$d" ] || die "make deb made no $d"
done
# +test3: +test2 with another shipped config, the upgrade where dpkg finds
# the config edited on the host and changed in the package.
r=$out/tmp/repack
dpkg-deb -R "$deb2" "$r"
printf '# changed in %s+test3: the shipped example differs from +test2\n' "$top" >> "$r/etc/vfio-early.conf"
sed -i "s/^Version: .*/Version: $top+test3/" "$r/DEBIAN/control"
! grep -q ' etc/vfio-early.conf$' "$r/DEBIAN/md5sums" || die "md5sums lists the conffile: update it in the repack"
mkdir -p "$out/test3"
deb3=$out/test3/vfio-early_${top}+test3_$arch.deb
dpkg-deb --root-owner-group -b "$r" "$deb3" > /dev/null
T_DEBS=$(($(now) - t))
# deb.sh fails on any lintian error or warning; say what else it showed.
lint=$(sed -n 's/^  lintian: \([A-Z]: .*\)/\1/p' "$out/deb-test1.log" | grep -v '^N: ' | sed 's/ \[.*//' | paste -sd ';' -)
pass "make deb: $top+test1, $top+test2 (${T_DEBS} s for both); lintian: no errors or warnings${lint:+; $lint}"

# ------------------------------------------ 2. make install, tests or not
t=$(now)
src=$out/tmp/notests
mkdir -p "$src/build"
if git -C "$repo" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
	git -C "$repo" ls-files --cached --others --exclude-standard
else
	(cd "$repo" && find . \( -path ./build -o -path ./.git \) -prune -o -type f -print | sed 's|^\./||')
fi | grep -v -e '^tests/' -e '^bench/' | while IFS= read -r f; do
	[ -e "$repo/$f" ] && printf '%s\n' "$f"
done > "$out/tmp/notests.list"
# tar keeps the files' times, cp -a the objects': make finds the build as
# current as it is here and does not fetch or rebuild.
(cd "$repo" && tar -cf - -T "$out/tmp/notests.list") | tar -xf - -C "$src"
cp -a "$build/kmod" "$build/obj" "$build/vfio-early" "$src/build/"
files_of() { (cd "$1" && find . -type f | sed 's|^\./|/|' | LC_ALL=C sort); }
make -C "$src" --no-print-directory install DESTDIR="$out/tmp/dest-notests" > "$out/install-notests.log" 2>&1 ||
	die "make install from a tree without tests/ failed; log: $out/install-notests.log"
make -C "$repo" --no-print-directory install BUILD="$build" DESTDIR="$out/tmp/dest-full" > "$out/install-full.log" 2>&1 ||
	die "make install failed; log: $out/install-full.log"
files_of "$out/tmp/dest-full" > "$out/install-full.files"
make -C "$repo" --no-print-directory uninstall BUILD="$build" DESTDIR="$out/tmp/dest-full" > "$out/uninstall.log" 2>&1 ||
	die "make uninstall failed; log: $out/uninstall.log"
left=$(files_of "$out/tmp/dest-full" | paste -sd ' ' -)
files_of "$out/tmp/dest-notests" > "$out/install-notests.files"
# The package: its regular files, man pages and docs uncompressed, without
# what only Debian adds (changelog.Debian, copyright, lintian overrides).
dpkg-deb -c "$deb1" | awk '$1 ~ /^-/ { print substr($6, 2) }' | sed 's/\.gz$//' |
	grep -v -e '^/usr/share/doc/vfio-early/changelog\.Debian$' -e '^/usr/share/doc/vfio-early/copyright$' \
		-e '^/usr/share/lintian/' | LC_ALL=C sort > "$out/deb.files"
if ! grep -q '^/usr/share/initramfs-tools/hooks/vfio-early$' "$out/install-full.files" ||
	! grep -q '^/usr/lib/dracut/modules.d/90vfio-early/module-setup.sh$' "$out/install-full.files"; then
	fail "make install: no initramfs-tools hook or dracut module; list: $out/install-full.files"
elif [ "$left" != /etc/vfio-early.conf ]; then
	fail "make uninstall left $left (only /etc/vfio-early.conf should stay)"
elif ! cmp -s "$out/install-full.files" "$out/install-notests.files"; then
	fail "make install without tests/ installs other files: $(diff "$out/install-full.files" "$out/install-notests.files" | grep '^[<>]' | head -n 3 | tr '\n' ' ')"
elif ! cmp -s "$out/install-full.files" "$out/deb.files"; then
	fail "the .deb's files differ from make install's: $(diff "$out/install-full.files" "$out/deb.files" | grep '^[<>]' | head -n 3 | tr '\n' ' ')"
else
	pass "make install: $(wc -l < "$out/install-full.files") files, the same without tests/ and bench/, the same in the .deb; make uninstall leaves the config only ($(($(now) - t)) s)"
fi

# ------------------------------------------------- 3. the Debian userlands
# The cached tree, fingerprinted: every path, size, time and mode.
fingerprint() {
	find "$1" -printf '%p %s %T@ %m\n' | LC_ALL=C sort | sha256sum | cut -c1-16
}
TIMES=
for s in $suites; do
	t=$(now)
	sh "$repo/tests/distro/root.sh" "$s" > /dev/null || {
		fail "$s: making the debootstrap tree failed (see $distro_dir/$s.*.log)"
		continue
	}
	t_tree=$(($(now) - t))
	tree=$distro_dir/$s
	fp=$(fingerprint "$tree")
	t=$(now)
	mkdir -p "$out/$s"
	rc=0
	DISTRO_OVERLAY=$out/overlay/$s sh "$repo/tests/distro/root.sh" "$s" run \
		env PKG_ARCHIVES="$distro_dir/$s.archives" BOOT_TIMEOUT="${BOOT_TIMEOUT:-150}" \
		bash "$here/in-tree.sh" "$out/$s" "$deb1" "$deb2" "$deb3" > "$out/$s/result" 2>&1 || rc=$?
	t_run=$(($(now) - t))
	rm -rf "${out:?}/overlay/$s"
	grep -E '^(PASS|FAIL) ' "$out/$s/result" | tee -a "$results"
	if [ "$rc" != 0 ] && ! grep -q "^FAIL $s " "$out/$s/result"; then
		fail "$s: in-tree.sh exited $rc: $(tail -n 3 "$out/$s/result" | tr '\n' ' ')"
	fi
	if [ "$(fingerprint "$tree")" != "$fp" ]; then
		fail "$s: the cached tree $tree changed during the run"
	else
		pass "$s: the cached tree is as it was (overlay removed)"
	fi
	TIMES="$TIMES; $s: tree ${t_tree} s, install to purge + boot + dracut ${t_run} s"
done

echo "package-check took $(($(now) - T0)) s: packages ${T_DEBS} s$TIMES"
passed=$(grep -c '^PASS' "$results" || :)
failed=$(grep -c '^FAIL' "$results" || :)
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
