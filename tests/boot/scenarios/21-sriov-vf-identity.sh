# shellcheck shell=bash disable=SC2034 # variables read by run.sh
DESC="SR-IOV VF identity: an igb NIC (QEMU's 82576) gets 3 VFs before udev with MACs counted up from the configured base, port VLAN 10, trust on and spoof checking off, set on the PF's netdev before any driver binds them; iproute2 in the guest lists them so; VFs 0-1 on vfio-pci, VF 2 left to the host; the record says set and status (reading the netdev live) agrees"
GENS="initramfs-tools dracut"
MACHINES=igb
# QEMU's igb came in QEMU 8.0: Debian 12 has 7.2
DISTROS=trixie
CONFIG="sriov 0000:01:00.0 vfs=3 vfio=0-1 mac=02:00:00:00:10:fe+ vlan=10 trust=on spoofchk=off"
APPEND="intel_iommu=on iommu=pt"
assertions() {
	local vfs k mac
	use_report initrd || return
	expect_dev 0000:01:00.0 id=8086:10c9 driver=igb numvfs=3 autoprobe=1
	expect_dev 0000:01:10.0 id=8086:10ca physfn=0000:01:00.0 driver=vfio-pci override=vfio-pci
	expect_dev 0000:01:10.2 id=8086:10ca physfn=0000:01:00.0 driver=vfio-pci override=vfio-pci
	expect_dev 0000:01:10.4 id=8086:10ca physfn=0000:01:00.0 override=none
	expect_kmsg 'vfio-early: sriov 0000:01:00.0: 3 VF\(s\) created in [0-9]+ us: 0000:01:10.0 0000:01:10.2 0000:01:10.4\(host\)$' 1
	expect_kmsg 'vfio-early: sriov 0000:01:00.0: VF identity set on [a-z0-9]+ for 3 VF\(s\)$' 1
	expect_no_kmsg 'VF identity FAILED'
	# iproute2's own reading of the PF's VF list (not the binder's)
	vfs=$(sed -n 's/^iplink 0000:01:00.0 [^|]*| *\(vf [0-9].*\)/\1/p' <<< "$REPORT")
	[[ -n $vfs ]] || fail "no VF list from ip link in the report (iproute2 in the image?)"
	for k in 0 1 2; do
		mac=$(printf '02:00:00:00:1%x:%02x' $(((0xfe + k) >> 8)) $(((0xfe + k) & 0xff)))
		grep -Eq "^vf $k +link/ether $mac brd ff:ff:ff:ff:ff:ff, vlan 10, spoof checking off, link-state [a-z]+, trust on" <<< "$vfs" ||
			fail "ip link: VF $k is not '$mac, vlan 10, spoof checking off, trust on': $(grep "^vf $k " <<< "$vfs")"
	done
	info "guest's VF list: $(awk '{print $1, $2, $4}' <<< "$vfs" | paste -sd';' -)"
	# the record: each VF set, verified by the read-back
	expect_state '"identity_result": "set",'
	[[ $(grep -c '"identity_result": "set"' <<< "$REPORT") == 3 ]] || fail "not 3 VFs recorded as set"
	expect_state '"vf_identity_failed": 0,'
	# status (run by the report where a PF has a netdev) reads the netdev
	# live: every VF ok, exit 0
	[[ $(sed -n 's/^vfstatus rc=//p' <<< "$REPORT") == 0 ]] ||
		fail "vfio-early status exited $(sed -n 's/^vfstatus rc=//p' <<< "$REPORT"), expected 0"
	[[ $(grep -cE '^vfstatus\|   VF [012] +0000:01:10\.[024] +[a-z0-9]+ +set +ok +mac 02:00:00:00:1[01]:[0-9a-f]{2}, vlan 10, trust on, spoofchk off$' <<< "$REPORT") == 3 ]] ||
		fail "status does not show 3 VFs ok: $(grep '^vfstatus|   VF' <<< "$REPORT" | head -n 3 | tr '\n' ' ')"
	expect_before_udev
}
