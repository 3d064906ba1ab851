# Early-boot integration (issue 3): install rules for the initramfs-tools and
# dracut integration, the QEMU boot tests and the demo. GNU make fragment,
# included by the top Makefile (which sets BUILD, BIN, PREFIX, SBINDIR,
# SYSCONFDIR, DESTDIR).
#
#   make boot-check     every boot scenario for initramfs-tools and dracut
#                       (real kernel, QEMU/TCG; part of make check). Narrow it
#                       with BOOT_ARGS="-g dracut 01 05".
#   make demo           build an initramfs-tools image for the archive kernel
#                       and show, in QEMU, drivers without and with vfio-early
#   make install-hooks / uninstall-hooks   (run by make install / uninstall)
#
# The generators look for their files in fixed places, whatever PREFIX is:
# INITRAMFS_TOOLS_DIR and DRACUT_MODULES_DIR. The shared lib goes under
# $(PREFIX)/share/vfio-early; install rewrites the default paths in the
# installed hooks to SBINDIR, SYSCONFDIR and that dir.

INITRAMFS_TOOLS_DIR ?= /usr/share/initramfs-tools
DRACUT_MODULES_DIR  ?= /usr/lib/dracut/modules.d
VFIO_EARLY_DATADIR  ?= $(PREFIX)/share/vfio-early
BOOT_ARGS ?=
# The distro matrix: the same scenarios inside a debootstrap'd userland of
# each release here (its kernel, generators and QEMU), beside the host's.
BOOT_DISTROS ?= trixie

CHECK_EXTRA += boot-lint boot-check boot-check-distros demo-distros
INSTALL_EXTRA += install-hooks
UNINSTALL_EXTRA += uninstall-hooks
DEPS_GROUPS += boot distro
.PHONY: boot-check boot-check-distros demo-distros boot-lint demo demo-run install-hooks uninstall-hooks

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
		tests/boot/lib.sh tests/boot/run.sh tests/boot/demo.sh tests/boot/scenarios/*.sh
	shellcheck -s sh tests/distro/root.sh

# A fresh Debian 12 machine: install what the build and QEMU need first.
demo:
	sh tests/deps.sh build boot
	$(MAKE) --no-print-directory demo-run

demo-run: $(BIN)
	VFIO_EARLY_BIN=$(abspath $(BIN)) BOOT_OUT=$(abspath $(BUILD))/demo \
		bash tests/boot/demo.sh

BOOT_SED := sed -e 's|:=/usr/sbin/vfio-early}|:=$(SBINDIR)/vfio-early}|' \
	-e 's|:-/usr/sbin/vfio-early}|:-$(SBINDIR)/vfio-early}|' \
	-e 's|:=/etc/vfio-early.conf}|:=$(SYSCONFDIR)/vfio-early.conf}|' \
	-e 's|:-/etc/vfio-early.conf}|:-$(SYSCONFDIR)/vfio-early.conf}|' \
	-e 's|:=/usr/share/vfio-early/|:=$(VFIO_EARLY_DATADIR)/|'

# install_sed MODE SRC DST
boot_install = mkdir -p $(dir $(3)) && $(BOOT_SED) $(2) > $(3).tmp && chmod $(1) $(3).tmp && mv $(3).tmp $(3)

install-hooks:
	$(call boot_install,0644,hooks/vfio-early-image.sh,$(DESTDIR)$(VFIO_EARLY_DATADIR)/vfio-early-image.sh)
	$(call boot_install,0755,initramfs-tools/hooks/vfio-early,$(DESTDIR)$(INITRAMFS_TOOLS_DIR)/hooks/vfio-early)
	$(call boot_install,0755,initramfs-tools/scripts/init-top/00-vfio-early,$(DESTDIR)$(INITRAMFS_TOOLS_DIR)/scripts/init-top/00-vfio-early)
	$(call boot_install,0755,dracut/90vfio-early/module-setup.sh,$(DESTDIR)$(DRACUT_MODULES_DIR)/90vfio-early/module-setup.sh)
	$(call boot_install,0755,dracut/90vfio-early/vfio-early-pre-udev.sh,$(DESTDIR)$(DRACUT_MODULES_DIR)/90vfio-early/vfio-early-pre-udev.sh)
	@echo "installed the initramfs-tools and dracut integration; run update-initramfs -u or dracut -f to use it"

uninstall-hooks:
	rm -f $(DESTDIR)$(VFIO_EARLY_DATADIR)/vfio-early-image.sh \
	      $(DESTDIR)$(INITRAMFS_TOOLS_DIR)/hooks/vfio-early \
	      $(DESTDIR)$(INITRAMFS_TOOLS_DIR)/scripts/init-top/00-vfio-early \
	      $(DESTDIR)$(DRACUT_MODULES_DIR)/90vfio-early/module-setup.sh \
	      $(DESTDIR)$(DRACUT_MODULES_DIR)/90vfio-early/vfio-early-pre-udev.sh
	-rmdir $(DESTDIR)$(VFIO_EARLY_DATADIR) $(DESTDIR)$(DRACUT_MODULES_DIR)/90vfio-early 2>/dev/null
	@echo "removed the initramfs-tools and dracut integration; rebuild your initramfs (update-initramfs -u or dracut -f)"
