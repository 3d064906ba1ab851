#!/bin/sh
# Test-only, sourced by dracut's pre-udev stage before 00-vfio-early.sh: with
# vfiotest.native=MOD[,MOD] on the command line, load those native drivers
# first, so the binder meets devices that already have a driver.
for _vt_w in $(getargs vfiotest.native=); do
    for _vt_m in $(echo "$_vt_w" | tr ',' ' '); do
        modprobe "$_vt_m" && echo "VFIOTEST-native loaded $_vt_m" > /dev/kmsg
    done
done
unset _vt_w _vt_m
