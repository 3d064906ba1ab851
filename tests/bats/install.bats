#!/usr/bin/env bats
# make install / uninstall into a DESTDIR: every file in its place, the
# user's config never overwritten, uninstall leaves only the config.

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)

@test "make install DESTDIR puts every part where the generators and man look" {
	D=$BATS_TEST_TMPDIR/dest
	make -s -C "$REPO" install DESTDIR="$D" >/dev/null
	run find "$D" -type f -printf '%P %m\n'
	[[ "$output" == *"usr/sbin/vfio-early 755"* ]]
	[[ "$output" == *"etc/vfio-early.conf 644"* ]]
	[[ "$output" == *"usr/share/man/man8/vfio-early.8 644"* ]]
	[[ "$output" == *"usr/share/man/man5/vfio-early.conf.5 644"* ]]
	[[ "$output" == *"usr/share/initramfs-tools/hooks/vfio-early 755"* ]]
	[[ "$output" == *"usr/share/initramfs-tools/scripts/init-top/00-vfio-early 755"* ]]
	[[ "$output" == *"usr/lib/dracut/modules.d/90vfio-early/module-setup.sh 755"* ]]
	[[ "$output" == *"usr/share/vfio-early/vfio-early-image.sh 644"* ]]
	# mdev rules: the udev rule in the root, and as the images get it
	[[ "$output" == *"usr/lib/udev/rules.d/61-vfio-early-mdev.rules 644"* ]]
	[[ "$output" == *"usr/share/vfio-early/61-vfio-early-mdev.rules 644"* ]]
	# the installed paths written in, the config's on the command line too
	# (the binary reads /etc/vfio-early.conf unless told); the image's copy
	# keeps the image's paths
	make -s -C "$REPO" install-hooks DESTDIR="$D.local" PREFIX=/usr/local SYSCONFDIR=/usr/local/etc >/dev/null
	# shellcheck disable=SC2016 # $kernel is udev's, literally in the rule
	run grep -c 'TEST=="/usr/local/etc/vfio-early.conf".*RUN+="/usr/local/sbin/vfio-early --config /usr/local/etc/vfio-early.conf mdev-apply --parent $kernel"' \
		"$D.local/usr/local/lib/udev/rules.d/61-vfio-early-mdev.rules"
	[ "$output" = 2 ]
	cmp "$REPO/hooks/61-vfio-early-mdev.rules" "$D.local/usr/local/share/vfio-early/61-vfio-early-mdev.rules"
	# the shipped config binds nothing and parses
	run "$D/usr/sbin/vfio-early" --config "$D/etc/vfio-early.conf" validate
	[ "$status" -eq 0 ]
}

@test "make install keeps an existing config; uninstall leaves only it" {
	D=$BATS_TEST_TMPDIR/dest
	mkdir -p "$D/etc"
	echo "bind 01:00.0" >"$D/etc/vfio-early.conf"
	make -s -C "$REPO" install DESTDIR="$D" >/dev/null
	[ "$(cat "$D/etc/vfio-early.conf")" = "bind 01:00.0" ]
	make -s -C "$REPO" uninstall DESTDIR="$D" >/dev/null
	run find "$D" -type f -printf '%P\n'
	[ "$output" = "etc/vfio-early.conf" ]
}
