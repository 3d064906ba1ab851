#!/bin/sh
# Test-only, sourced by the initqueue once udev has settled: report, then
# power off, unless vfiotest.root asks to go on into the real root (the
# pre-pivot hook reports then).
if ! getargbool 0 vfiotest.root; then
    /usr/libexec/vfiotest-report initrd
    echo o > /proc/sysrq-trigger
    sleep 60
fi
