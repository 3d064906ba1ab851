# shellcheck shell=bash disable=SC2034 # variables read by run.sh
DESC="a config that does not parse stops the image build, naming FILE:LINE"
GENS="initramfs-tools dracut"
BUILD_ONLY=yes
EXPECT_BUILD=fail
CONFIG="# line 1
bind 0000:00:05.0
frobnicate 0000:00:04.0"
assertions() {
	expect_build_log "$CFG:3: 'frobnicate'"
	expect_build_log "vfio-early: $CFG does not parse"
}
