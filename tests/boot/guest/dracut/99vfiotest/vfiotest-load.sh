#!/bin/sh
# Test-only, sourced by the initqueue once udev has settled, before the
# report: with vfiotest.load=MOD[,MOD], load those modules (a host driver
# loaded after vfio-early's early pass, as udev loads a GPU's driver), then
# wait for udev again.
for _vt_w in $(getargs vfiotest.load=); do
    for _vt_m in $(echo "$_vt_w" | tr ',' ' '); do
        modprobe "$_vt_m" && echo "VFIOTEST-load loaded $_vt_m" > /dev/kmsg
    done
    udevadm settle --timeout=60
done
unset _vt_w _vt_m
