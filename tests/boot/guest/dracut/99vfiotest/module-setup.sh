#!/bin/bash
# Test-only dracut module (copied into the boot tests' private dracut tree,
# never installed): the report script, the native drivers of the emulated
# devices, and the hooks that run the report. Only on request (--add).
# shellcheck disable=SC2154 # initdir and moddir are set by dracut

# called by dracut
check() {
    return 255
}

# called by dracut
depends() {
    return 0
}

# called by dracut
installkernel() {
    # shellcheck disable=SC2034 # read by instmods
    local hostonly=''
    # shellcheck disable=SC2086 # a word list
    instmods ${VFIOTEST_MODULES:?}
}

# called by dracut
install() {
    inst_simple "${VFIOTEST_GUEST:?}/vfiotest-report" /usr/libexec/vfiotest-report
    inst_multiple awk sed tr grep dmesg readlink cat uname tail sleep modprobe wc cut sha256sum base64 udevadm
    # Sorts before 00-vfio-early.sh: lets a scenario load native drivers first.
    inst_hook pre-udev 00 "$moddir/native-first.sh"
    # After udev settled: the initqueue runs settled hooks after `udevadm
    # settle`, in the shell and the systemd initrd. need-initqueue makes the
    # systemd initrd start dracut-initqueue.service even without other jobs.
    inst_hook initqueue/settled 50 "$moddir/vfiotest-load.sh"
    inst_hook initqueue/settled 99 "$moddir/vfiotest-settled.sh"
    inst_hook pre-pivot 99 "$moddir/vfiotest-pre-pivot.sh"
    mkdir -p "$initdir/lib/dracut"
    : > "$initdir/lib/dracut/need-initqueue"
    # iproute2's ip, to list a PF's VFs (busybox's ip does not)
    local ipbin
    if ipbin=$(command -v ip) && "$ipbin" -V 2> /dev/null | grep -q iproute2; then
        inst_binary "$ipbin" /usr/libexec/vfiotest-ip
    fi
}
