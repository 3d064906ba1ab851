# shellcheck shell=bash disable=SC2034 # variables read by run.sh
DESC="mdev: the kernel's mtty sample (built out of tree against the headers) loaded after the early pass registers its parent; udev's change event (MDEV_STATE=registered) runs vfio-early mdev-apply from the rule in the image, once; the instances exist with the given and the derived UUIDs and are probed by mtty; status and check in the guest agree; the GPU is bound as usual"
GENS="initramfs-tools dracut"
MACHINES=standard
MODULES_PREP=mtty
CONFIG="bind 0000:00:05.0
mdev parent=mtty type=mtty-2 uuid=3b2f2f3e-8f0c-4c1e-9a53-7a1c1b5e2d10
mdev parent=mtty type=mtty-1 count=2"
APPEND="intel_iommu=on iommu=pt vfiotest.load=mtty vfiotest.status vfiotest.check vfiotest.checktext"
assertions() {
	local given=3b2f2f3e-8f0c-4c1e-9a53-7a1c1b5e2d10 d0 d1
	d0=$(mdev_v5 'mtty|mtty-1|0')
	d1=$(mdev_v5 'mtty|mtty-1|1')
	use_report initrd || return
	expect_dev 0000:00:05.0 driver=vfio-pci override=vfio-pci
	expect_before_udev
	expect_kmsg 'VFIOTEST-load loaded mtty' 1
	expect_module mtty mdev
	expect_mdev "$given" type=mtty-2 parent=mtty driver=mtty
	expect_mdev "$d0" type=mtty-1 parent=mtty driver=mtty
	expect_mdev "$d1" type=mtty-1 parent=mtty driver=mtty
	[[ $(grep -c '^mdev ' <<< "$REPORT") == 3 ]] || fail "$WHERE: $(grep -c '^mdev ' <<< "$REPORT") mediated devices, expected 3"
	# Run once, by the change event: the kernel's own add event (no
	# SYNTH_UUID) came before the parent registered and runs nothing.
	expect_kmsg "vfio-early: mdev " 1
	expect_kmsg "vfio-early: mdev mtty \(udev change\): mtty-2 $given created, mtty-1 $d0 created, mtty-1 $d1 created in [0-9]+ us; record in /run/vfio-early/mdev/mtty.json" 1
	expect_mdev_record mtty '[.event, .dryrun, .disabled]' '["change",false,null]'
	expect_mdev_record mtty '[.instances[] | "\(.type) \(.index) \(.uuid_source) \(.result)"]' \
		'["mtty-2 0 config created","mtty-1 0 derived created","mtty-1 1 derived created"]'
	# status in the guest: every instance there, as recorded
	expect_status_rc 0
	local u
	for u in "$given" "$d0" "$d1"; do
		grep -qE "^status\| $u +mtty +mtty-[12] +[23] +(uuid=|derived) +created +ok$" <<< "$REPORT" ||
			fail "$WHERE: status has no ok line for $u: $(grep "^status| $u" <<< "$REPORT")"
	done
	# check in the guest: the parent, its types and what is left
	expect_check '[.mdev[] | .parent, .registered, .type_exists, .available_instances]' '["mtty",true,true,10,"mtty",true,true,20]'
	expect_check '[.mdev[].instances[] | .uuid + " " + .action]' "[\"$given present\",\"$d0 present\",\"$d1 present\"]"
	expect_check '[.host.findings[].code | select(startswith("mdev-"))]' '[]'
	expect_check_rc 0
	grep -q "^checktext| mdev mtty (/etc/vfio-early.conf:2, parent=mtty): type mtty-2 \"Dual port serial\", vfio-pci, 10 available$" <<< "$REPORT" ||
		fail "$WHERE: check's text has no mdev block for mtty-2"
	info "mdev-apply $(sed -n 's/^kmsg .*vfio-early: mdev mtty .* in \([0-9]*\) us.*/\1/p' <<< "$REPORT") us"
}
