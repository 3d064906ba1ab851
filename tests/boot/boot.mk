# Early-boot integration (issue 3): the QEMU boot tests of the initramfs-tools
# and dracut integration, and the demo. GNU make fragment, included by the top
# Makefile (which sets BUILD and BIN).
#
#   make boot-check     every boot scenario for initramfs-tools and dracut
#                       (real kernel, QEMU/TCG; part of make check). Narrow it
#                       with BOOT_ARGS="-g dracut 01 05".
#   make demo           build an initramfs-tools image for the archive kernel
#                       and show, in QEMU, drivers without and with vfio-early
#
# The images are built with the hooks as the top Makefile's `make
# install-hooks DESTDIR=...` lays them out (tests/boot/lib.sh).

BOOT_ARGS ?=
# The distro matrix: the same scenarios inside a debootstrap'd userland of
# each release here (its kernel, generators and QEMU), beside the host's.
BOOT_DISTROS ?= trixie

CHECK_EXTRA += boot-lint boot-check boot-check-distros demo-distros
DEPS_GROUPS += boot distro
.PHONY: boot-check boot-check-distros demo-distros boot-lint demo demo-run

boot-check: $(BIN)
	VFIO_EARLY_BIN=$(abspath $(BIN)) BOOT_OUT=$(abspath $(BUILD))/boot \
		bash tests/boot/run.sh $(BOOT_ARGS)

# tests/distro/root.sh makes (or reuses) build/distro/SUITE and runs the
# harness chrooted into it; the repository is bound at the same path inside.
boot-check-distros: $(BIN)
	@for d in $(BOOT_DISTROS); do \
		sh tests/distro/root.sh $$d > /dev/null || exit 1; \
		sh tests/distro/root.sh $$d run env VFIO_EARLY_BIN=$(abspath $(BIN)) \
			BOOT_OUT=$(abspath $(BUILD))/boot-$$d $(if $(BOOT_JOBS),BOOT_JOBS=$(BOOT_JOBS)) \
			bash $(abspath tests/boot/run.sh) $(BOOT_ARGS) || exit 1; \
	done

# make demo on each release of the matrix, from scratch inside its tree: the
# binary built there (its musl and GCC), its kernel, generators and QEMU.
demo-distros:
	@for d in $(BOOT_DISTROS); do \
		sh tests/distro/root.sh $$d > /dev/null || exit 1; \
		sh tests/distro/root.sh $$d run make -C $(CURDIR) --no-print-directory BUILD=build/$$d demo || exit 1; \
	done

# The hooks and boot scripts are POSIX sh (dash); the dracut modules and the
# harness bash. Run from the top dir: the source= directives are relative.
boot-lint:
	shellcheck -x -s dash hooks/vfio-early-image.sh initramfs-tools/hooks/vfio-early \
		initramfs-tools/scripts/init-top/00-vfio-early dracut/90vfio-early/vfio-early-pre-udev.sh \
		tests/boot/guest/vfiotest-report tests/boot/guest/vfiotest-capture tests/boot/guest/rootfs-init \
		tests/boot/guest/initramfs-tools/hooks/* tests/boot/guest/initramfs-tools/scripts/*/* \
		tests/boot/guest/dracut/99vfiotest/native-first.sh tests/boot/guest/dracut/99vfiotest/vfiotest-*.sh
	shellcheck -x dracut/90vfio-early/module-setup.sh tests/boot/guest/dracut/99vfiotest/module-setup.sh \
		tests/boot/lib.sh tests/boot/run.sh tests/boot/demo.sh tests/boot/scenarios/*.sh tests/boot/scenarios/renumber.bash
	shellcheck -s sh tests/distro/root.sh

# A fresh Debian 12 machine: install what the build and QEMU need first.
demo:
	sh tests/deps.sh build boot
	$(MAKE) --no-print-directory demo-run

demo-run: $(BIN)
	VFIO_EARLY_BIN=$(abspath $(BIN)) BOOT_OUT=$(abspath $(BUILD))/demo \
		bash tests/boot/demo.sh
