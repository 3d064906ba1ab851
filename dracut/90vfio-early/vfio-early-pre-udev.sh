#!/bin/sh
# vfio-early: bind the configured PCI devices to vfio-pci before udevd starts.
# Sourced by dracut's pre-udev stage (shell and systemd initrd): never exit.
# Never fails the boot: the binder exits 0 on its own, logs to /dev/kmsg and
# leaves /run/vfio-early/state.json; whatever it does, carry on.
if [ -x /usr/sbin/vfio-early ] && [ -e /etc/vfio-early.conf ]; then
    /usr/sbin/vfio-early apply || :
fi
