#!/bin/sh
# make deb: the Debian source package of this tree (format 3.0 (quilt): the
# tree as vfio-early_V.orig.tar.xz, kmod's pinned upstream tarball as the
# orig-kmod component, debian/), the binary package built from that source
# package alone (unpacked with dpkg-source -x, built with no network when run
# as root), and lintian on both. See debian/README.source.
#
# Environment:
#   BUILD        build dir holding the pinned kmod tarball in kmod/dl (build;
#                `make kmod-fetch` puts it there)
#   DEB_OUT      output dir, emptied first (BUILD/deb)
#   DEB_VERSION  build this Debian version instead of debian/changelog's top
#                one (same upstream version), e.g. 0.1.0-1+local1
#   DEB_SRCDIR   the tree to package (this repository)
#   LINTIAN      yes (default): lintian errors or warnings fail; no: skip
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "${DEB_SRCDIR:-$here/..}" && pwd)
build=${BUILD:-build}
case $build in /*) ;; *) build=$src/$build ;; esac
out=${DEB_OUT:-$build/deb}
case $out in /*) ;; *) out=$src/$out ;; esac

die() { printf 'build-deb.sh: %s\n' "$*" >&2; exit 1; }
now() { date +%s; }

for t in dpkg-buildpackage dpkg-source dpkg-parsechangelog dh xz tar sha256sum; do
	command -v "$t" > /dev/null || die "$t not found: sh tests/deps.sh build pkg (debhelper, dpkg-dev, lintian)"
done
[ "${LINTIAN:-yes}" = no ] || command -v lintian > /dev/null || die "lintian not found: sh tests/deps.sh pkg (or LINTIAN=no)"
[ -f "$src/debian/changelog" ] || die "no debian/changelog in $src"

top=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
version=${DEB_VERSION:-$top}
upstream=${version#*:}
upstream=${upstream%-*}
[ "$upstream" = "${top%-*}" ] || die "DEB_VERSION=$version: upstream version $upstream differs from debian/changelog's ${top%-*}"
# The tarballs' file times: the top changelog entry's, so a rebuild or another
# Debian revision of the same tree gives the same orig tarball.
SOURCE_DATE_EPOCH=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Timestamp)
export SOURCE_DATE_EPOCH

# kmod's tarball, exactly as pinned (binder/kmod/fetch.sh downloaded it).
pin=$src/binder/kmod/kmod.sha256
pin_sum=$(awk 'NF == 2 && $1 !~ /^#/ { print $1; exit }' "$pin")
pin_name=$(awk 'NF == 2 && $1 !~ /^#/ { print $2; exit }' "$pin")
if [ -z "$pin_sum" ] || [ -z "$pin_name" ]; then
	die "no '<sha256>  <file>' line in $pin"
fi
kmod_tar=$build/kmod/dl/$pin_name
[ -f "$kmod_tar" ] || die "$kmod_tar is missing: run make kmod-fetch first"
[ "$(sha256sum < "$kmod_tar" | cut -d' ' -f1)" = "$pin_sum" ] || die "$kmod_tar does not match the pin in $pin"

t0=$(now)
rm -rf "$out"
mkdir -p "$out/src" "$out/bin"
pkgdir=vfio-early-$upstream
orig=$out/vfio-early_$upstream.orig.tar.xz

# The tree: what git tracks or would track (not build/ or other ignored
# files), without debian/; without git, everything but build/ and .git.
list=$out/orig.list
if git -C "$src" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
	git -C "$src" ls-files --cached --others --exclude-standard
else
	(cd "$src" && find . \( -path ./build -o -path ./.git \) -prune -o \( -type f -o -type l \) -print | sed 's|^\./||')
fi | grep -v -e '^debian/' -e '^kmod/' | LC_ALL=C sort -u | while IFS= read -r f; do
	[ -e "$src/$f" ] || [ -L "$src/$f" ] || continue # deleted, not yet committed
	printf '%s\n' "$f"
done > "$list"
[ -s "$list" ] || die "no files to package in $src"
mkdir -p "$out/stage/$pkgdir"
(cd "$src" && tar -cf - -T "$list") | tar -xf - -C "$out/stage/$pkgdir"
tar -C "$out/stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
	--format=gnu -cf - "$pkgdir" | xz -6 -T1 > "$orig"
rm -rf "$out/stage" "$list"
# The component: the pinned tarball itself, renamed (dpkg-source unpacks it
# into kmod/, dropping its kmod-34.2/ top directory).
cp "$kmod_tar" "$out/vfio-early_$upstream.orig-kmod.tar.xz"

# The source package: the orig tarballs unpacked as dpkg-source would, plus
# debian/ (and a changelog entry for DEB_VERSION).
tree=$out/src/$pkgdir
mkdir -p "$tree/kmod"
tar -xf "$orig" -C "$out/src"
tar -xf "$out/vfio-early_$upstream.orig-kmod.tar.xz" -C "$tree/kmod" --strip-components=1
cp -a "$src/debian" "$tree/debian"
if [ "$version" != "$top" ]; then
	maint=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Maintainer)
	{
		printf 'vfio-early (%s) unstable; urgency=medium\n\n' "$version"
		printf '  * Local build of the tree (make deb DEB_VERSION=%s).\n\n' "$version"
		printf ' -- %s  %s\n\n' "$maint" "$(date -R)"
		cat "$src/debian/changelog"
	} > "$tree/debian/changelog"
fi
cp "$orig" "$out/vfio-early_$upstream.orig-kmod.tar.xz" "$out/src/"
(cd "$out/src" && dpkg-source -b "$pkgdir") > "$out/source.log" 2>&1 || {
	cat "$out/source.log" >&2
	die "dpkg-source -b failed; log: $out/source.log"
}
dsc=vfio-early_${version#*:}.dsc
mv "$out/src/$dsc" "$out/src"/vfio-early_*.debian.tar.xz "$out/"
rm -rf "$out/src"
t1=$(now)

# The binary package, from the source package alone. As root, in a network
# namespace of its own: the build cannot fetch anything.
nonet=
if [ "$(id -u)" = 0 ] && unshare --net true 2> /dev/null; then
	nonet="unshare --net --"
fi
(cd "$out/bin" && dpkg-source -x "../$dsc" "$pkgdir") > "$out/build.log" 2>&1 || die "dpkg-source -x $dsc failed; log: $out/build.log"
: "${DEB_BUILD_OPTIONS:=parallel=2}"
export DEB_BUILD_OPTIONS
# Nothing of the calling make may reach the package's own: its MAKEFLAGS
# would carry command-line variables (BUILD=..., which `make distclean`
# removes) into debian/rules.
(cd "$out/bin/$pkgdir" && $nonet env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES -u BUILD \
	dpkg-buildpackage -b -us -uc) >> "$out/build.log" 2>&1 || {
	tail -n 30 "$out/build.log" >&2
	die "dpkg-buildpackage failed; log: $out/build.log"
}
mv "$out/bin"/*.deb "$out/bin"/*.buildinfo "$out/bin"/*.changes "$out/"
rm -rf "${out:?}/bin"
t2=$(now)

echo "deb: vfio-early $version${nonet:+ (binary built with no network)}: source $((t1 - t0)) s, binary $((t2 - t1)) s"
(cd "$out" && ls -1 ./*.dsc ./*.tar.xz ./*.deb) | sed "s|^\./|  $out/|"
if [ "${LINTIAN:-yes}" != no ]; then
	# Errors and warnings fail; informational tags are shown, overrides
	# carry their reason (debian/*lintian-overrides).
	# (As root it says so; that line is not a finding.)
	rc=0
	lintian -I --fail-on error,warning "$out/$dsc" "$out"/*.deb > "$out/lintian.raw" 2>&1 || rc=$?
	grep -v '^running with root privileges is not recommended!$' "$out/lintian.raw" > "$out/lintian.txt" || :
	rm -f "$out/lintian.raw"
	if [ "$rc" != 0 ]; then
		cat "$out/lintian.txt" >&2
		die "lintian found errors or warnings (exit $rc); see above ($out/lintian.txt)"
	fi
	if [ -s "$out/lintian.txt" ]; then
		sed 's/^/  lintian: /' "$out/lintian.txt"
	else
		echo "  lintian: clean (no errors, warnings or info tags)"
	fi
fi
