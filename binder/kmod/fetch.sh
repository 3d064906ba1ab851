#!/bin/sh
# Fetch Debian trixie's kmod source package (its upstream tarball only) into OUT (default build/kmod),
# verify the upstream (.orig) tarball against the sha256 pinned in kmod.sha256,
# and unpack it into OUT/src. Never touches /etc/apt: a private APT_CONFIG with
# its own sources list, lists and cache lives under OUT/apt.
# Idempotent: exits at once when OUT/src is unpacked from the pinned tarball.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-build/kmod}
pin_file=$here/kmod.sha256
suite=${KMOD_SUITE:-trixie}
mirror=${KMOD_MIRROR:-http://deb.debian.org/debian}
keyring=${KMOD_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}

die() { printf 'kmod/fetch.sh: %s\n' "$*" >&2; exit 1; }

[ -r "$pin_file" ] || die "missing pin file $pin_file"
# kmod.sha256 holds one line in sha256sum format: "<sha256>  <orig tarball name>"
pin_sum=$(awk 'NF == 2 && $1 !~ /^#/ { print $1; exit }' "$pin_file")
pin_name=$(awk 'NF == 2 && $1 !~ /^#/ { print $2; exit }' "$pin_file")
if [ -z "$pin_sum" ] || [ -z "$pin_name" ]; then
    die "no '<sha256>  <file>' line in $pin_file"
fi

mkdir -p "$out"
out=$(cd "$out" && pwd)
stamp=$out/src/.fetched
dl=$out/dl

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$pin_sum  $pin_name" ]; then
    exit 0
fi

verify() { # $1 = file; prints the actual sum on mismatch
    [ -f "$1" ] || return 1
    actual=$(sha256sum "$1" | awk '{ print $1 }')
    [ "$actual" = "$pin_sum" ]
}

mkdir -p "$dl"
if ! verify "$dl/$pin_name"; then
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found"
    apt=$out/apt
    mkdir -p "$apt/etc/sources.list.d" "$apt/etc/preferences.d" \
        "$apt/lists/partial" "$apt/cache/archives/partial"
    printf 'deb-src [signed-by=%s] %s %s main\n' "$keyring" "$mirror" "$suite" \
        > "$apt/etc/sources.list"
    cat > "$apt/apt.conf" <<CONF
Dir::Etc::sourcelist "$apt/etc/sources.list";
Dir::Etc::sourceparts "$apt/etc/sources.list.d";
Dir::Etc::preferences "$apt/etc/preferences";
Dir::Etc::preferencesparts "$apt/etc/preferences.d";
Dir::State::Lists "$apt/lists";
Dir::Cache "$apt/cache";
APT::Sandbox::User "$(id -un)";
CONF
    APT_CONFIG=$apt/apt.conf
    export APT_CONFIG
    apt-get -q update >&2 || die "apt-get update (private config) failed"
    rm -f "$dl/$pin_name"
    # --tar-only: the pinned sha256 is the trust anchor; the .dsc is not
    # needed (and the archive does not always serve it).
    (cd "$dl" && apt-get -q source --download-only --tar-only kmod >&2) ||
        die "apt-get source --download-only kmod failed"
    [ -f "$dl/$pin_name" ] || die "apt did not deliver $pin_name; got: $(ls "$dl")
(suite $suite carries another kmod version: update kmod.sha256, see README)"
    if ! verify "$dl/$pin_name"; then
        die "SHA256 MISMATCH for $pin_name
  pinned: $pin_sum
  actual: $actual"
    fi
fi

rm -rf "$out/src" "$out/src.tmp"
mkdir -p "$out/src.tmp"
tar -xf "$dl/$pin_name" -C "$out/src.tmp" --strip-components=1 ||
    die "cannot unpack $pin_name"
printf '%s  %s\n' "$pin_sum" "$pin_name" > "$out/src.tmp/.fetched"
mv "$out/src.tmp" "$out/src"
printf 'kmod/fetch.sh: %s verified and unpacked in %s\n' "$pin_name" "$out/src" >&2
