# vfio-early — see README.md. `make` builds build/vfio-early (static, musl +
# libkmod); `make check` runs every test; `make demo` boots it in QEMU.

PREFIX   ?= /usr
SBINDIR  ?= $(PREFIX)/sbin
MANDIR   ?= $(PREFIX)/share/man
DOCDIR   ?= $(PREFIX)/share/doc/vfio-early
SYSCONFDIR ?= /etc
DESTDIR  ?=

BUILD    ?= build
CC       := musl-gcc
HOSTCC   ?= cc
BIN      := $(BUILD)/vfio-early

# Developer default: -Os, warnings are errors, a stripped binary without a
# build-id. A packager who passes CFLAGS (in the environment or on the command
# line, as dpkg-buildpackage and debhelper do) gets their CFLAGS, CPPFLAGS and
# LDFLAGS as they are, no -Werror, no strip and a build-id (musl-gcc adds
# none by itself): their tools strip and keep the debug symbols by build-id.
# PACKAGER_FLAGS=yes|no forces either way.
PACKAGER_FLAGS ?= $(if $(filter environment% command%,$(origin CFLAGS)),yes,no)
ifeq ($(PACKAGER_FLAGS),yes)
WERROR   ?=
LDFLAGS_MODE ?= -Wl,--build-id
else
CFLAGS   := -Os
WERROR   ?= -Werror
LDFLAGS_MODE ?= -Wl,--build-id=none -s
endif
WARN     := -Wall -Wextra $(WERROR) -Wshadow -Wstrict-prototypes -Wformat=2 -Wno-format-nonliteral
BINDER_CFLAGS := $(CPPFLAGS) $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables
LDFLAGS_STATIC := -static -Wl,--gc-sections $(LDFLAGS_MODE) $(LDFLAGS)

# Pure stages and their helpers: also built with the host compiler (glibc,
# sanitizers) for unit tests, fuzzing and valgrind.
# The stages in pipeline order (see README "How it works"); pure ones have
# no I/O and are also built with the host compiler (glibc, sanitizers) for
# unit tests, fuzzing and valgrind.
PURE_SRCS := binder/util.c binder/pciaddr.c binder/parse.c binder/cmdline.c binder/device.c binder/protlist.c \
             binder/plan.c binder/plan_sriov.c binder/json.c binder/doctor.c binder/snippets.c binder/romparse.c \
             binder/uuid.c binder/parse_mdev.c binder/plan_mdev.c
IO_SRCS   := binder/sysroot.c binder/scan.c binder/protected.c binder/apply.c binder/apply_sriov.c \
             binder/kmsg.c binder/record.c binder/report.c binder/status.c binder/hostfacts.c binder/initrd.c \
             binder/scan_mdev.c binder/apply_mdev.c binder/report_mdev.c binder/run_mdev.c \
             binder/rom.c binder/run.c binder/main.c binder/list.c
KMOD_SRCS := binder/modload.c binder/fnmatch.c
# SR-IOV VF identity: from the config to the plan, the rtnetlink messages
# (pure), setting and reading them on the live kernel.
PURE_SRCS += binder/vfid.c binder/rtnl.c
IO_SRCS   += binder/apply_vfid.c
SRCS      := $(PURE_SRCS) $(IO_SRCS) $(KMOD_SRCS)
OBJS      := $(SRCS:binder/%.c=$(BUILD)/obj/%.o)

.PHONY: all deps check check-all unit bats lint sysfs-selftest install uninstall install-hooks uninstall-hooks deb clean distclean
all: $(BIN)

# Parts add their own rules and append test targets to CHECK_EXTRA (run by
# make check) and install rules to INSTALL_EXTRA / UNINSTALL_EXTRA.
CHECK_EXTRA :=
INSTALL_EXTRA :=
UNINSTALL_EXTRA :=
DEPS_GROUPS := build check
include binder/kmod/kmod.mk
-include $(sort $(wildcard tests/*/*.mk bench/*.mk))

$(BUILD)/obj/%.o: binder/%.c binder/*.h | $(KMOD_HDR)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(BINDER_CFLAGS) $(KMOD_CFLAGS) -c -o $@ $<

$(BIN): $(OBJS) $(KMOD_LIB)
	@echo "  LD      $@"
	@$(CC) $(BINDER_CFLAGS) $(LDFLAGS_STATIC) -o $@ $(OBJS) $(KMOD_LIB)
	@size=$$(stat -c %s $@); echo "built $@: $$size bytes, static"

# Host (glibc) build of the pure stages with ASan+UBSan for unit tests.
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

deps:
	sh tests/deps.sh $(DEPS_GROUPS)

unit: $(BUILD)/test-unit
	$(BUILD)/test-unit

$(BUILD)/test-unit: tests/unit/*.c tests/unit/*.h $(PURE_SRCS) binder/fnmatch.c binder/*.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(WARN) -std=gnu11 -D_GNU_SOURCE $(SAN_FLAGS) -DVE_FNMATCH_NAME=ve_fnmatch -c -o $(BUILD)/fnmatch-test.o binder/fnmatch.c
	$(HOSTCC) $(WARN) -std=gnu11 -D_GNU_SOURCE $(SAN_FLAGS) -Ibinder -o $@ tests/unit/*.c $(PURE_SRCS) $(BUILD)/fnmatch-test.o

bats: $(BIN)
	VFIO_EARLY=$(abspath $(BIN)) bats --print-output-on-failure tests/bats

# POSIX sh everywhere but dracut modules (bash, as dracut's own are).
# The .bats files too: a mid-test "! cmd" never fails a test (SC2314).
# C: every source follows .clang-format (clang-format -i FILE fixes one).
C_FORMATTED := $(wildcard binder/*.c binder/*.h tests/unit/*.c tests/unit/*.h tests/fuzz/*.c tests/hardening/*.c tests/hardening/*.h)
lint:
	shellcheck -s sh tests/deps.sh binder/kmod/fetch.sh .ci/run
	shellcheck -x tests/bats/helpers.bash
	shellcheck -x -s bash tests/bats/*.bats
	clang-format --dry-run --Werror $(C_FORMATTED)

# deps first, in its own make, so later steps see installed tools.
check:
	$(MAKE) deps
	$(MAKE) check-all

sysfs-selftest:
	sh tests/sysfs/selftest.sh

check-all: $(BIN) unit sysfs-selftest bats lint $(CHECK_EXTRA)
	@echo "make check: all passed"

# Install: everything a host needs. The image generators look for their files
# in fixed places, whatever PREFIX is (INITRAMFS_TOOLS_DIR, DRACUT_MODULES_DIR);
# the hooks' shared lib goes to PKGDATADIR. The installed hooks get SBINDIR,
# SYSCONFDIR and PKGDATADIR written in as their defaults. The config in
# SYSCONFDIR is the commented example (binds nothing) and never overwrites
# one that is there.
INITRAMFS_TOOLS_DIR ?= /usr/share/initramfs-tools
DRACUT_MODULES_DIR  ?= /usr/lib/dracut/modules.d
PKGDATADIR          ?= $(PREFIX)/share/vfio-early
UDEVRULESDIR        ?= $(PREFIX)/lib/udev/rules.d

install: $(BIN) install-hooks
	install -D -m 0755 $(BIN) $(DESTDIR)$(SBINDIR)/vfio-early
	install -D -m 0644 conf/vfio-early.8 $(DESTDIR)$(MANDIR)/man8/vfio-early.8
	install -D -m 0644 conf/vfio-early.conf.5 $(DESTDIR)$(MANDIR)/man5/vfio-early.conf.5
	install -D -m 0644 conf/vfio-early.conf $(DESTDIR)$(DOCDIR)/vfio-early.conf.example
	install -D -m 0644 conf/check-json.md $(DESTDIR)$(DOCDIR)/check-json.md
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/vfio-early.conf ]; then \
		echo "keeping existing $(DESTDIR)$(SYSCONFDIR)/vfio-early.conf"; \
	else install -D -m 0644 conf/vfio-early.conf $(DESTDIR)$(SYSCONFDIR)/vfio-early.conf; fi
	@for t in $(INSTALL_EXTRA); do $(MAKE) --no-print-directory $$t || exit 1; done

uninstall: uninstall-hooks
	rm -f $(DESTDIR)$(SBINDIR)/vfio-early $(DESTDIR)$(MANDIR)/man8/vfio-early.8 \
	      $(DESTDIR)$(MANDIR)/man5/vfio-early.conf.5 $(DESTDIR)$(DOCDIR)/vfio-early.conf.example \
	      $(DESTDIR)$(DOCDIR)/check-json.md
	-rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null
	@echo "left $(DESTDIR)$(SYSCONFDIR)/vfio-early.conf in place (your config)"
	@for t in $(UNINSTALL_EXTRA); do $(MAKE) --no-print-directory $$t || exit 1; done

INSTALL_SED := sed -e 's|:=/usr/sbin/vfio-early}|:=$(SBINDIR)/vfio-early}|' \
	-e 's|:-/usr/sbin/vfio-early}|:-$(SBINDIR)/vfio-early}|' \
	-e 's|:=/etc/vfio-early.conf}|:=$(SYSCONFDIR)/vfio-early.conf}|' \
	-e 's|:-/etc/vfio-early.conf}|:-$(SYSCONFDIR)/vfio-early.conf}|' \
	-e 's|:=/usr/share/vfio-early/|:=$(PKGDATADIR)/|'

# install_sed MODE SRC DST
install_sed = mkdir -p $(dir $(3)) && $(INSTALL_SED) $(2) > $(3).tmp && chmod $(1) $(3).tmp && mv $(3).tmp $(3)

# The initramfs-tools hook and init-top script, the dracut module and their
# shared lib; no binary needed (the boot tests install these alone).
install-hooks:
	$(call install_sed,0644,hooks/vfio-early-image.sh,$(DESTDIR)$(PKGDATADIR)/vfio-early-image.sh)
	$(call install_sed,0755,initramfs-tools/hooks/vfio-early,$(DESTDIR)$(INITRAMFS_TOOLS_DIR)/hooks/vfio-early)
	$(call install_sed,0755,initramfs-tools/scripts/init-top/00-vfio-early,$(DESTDIR)$(INITRAMFS_TOOLS_DIR)/scripts/init-top/00-vfio-early)
	$(call install_sed,0755,dracut/90vfio-early/module-setup.sh,$(DESTDIR)$(DRACUT_MODULES_DIR)/90vfio-early/module-setup.sh)
	$(call install_sed,0755,dracut/90vfio-early/vfio-early-pre-udev.sh,$(DESTDIR)$(DRACUT_MODULES_DIR)/90vfio-early/vfio-early-pre-udev.sh)
	@# mdev rules: the udev rule for the root (its paths; the binary reads
	@# /etc/vfio-early.conf unless told, so RUN names the config) and, as
	@# written, the one the hooks put into an image (the image's paths are fixed)
	mkdir -p $(DESTDIR)$(UDEVRULESDIR) && sed -e 's|/usr/sbin/vfio-early|$(SBINDIR)/vfio-early|g' \
		-e 's|/etc/vfio-early.conf|$(SYSCONFDIR)/vfio-early.conf|g' \
		-e 's|\(RUN+="[^"]*/vfio-early\) mdev-apply|\1 --config $(SYSCONFDIR)/vfio-early.conf mdev-apply|' hooks/61-vfio-early-mdev.rules > $(DESTDIR)$(UDEVRULESDIR)/61-vfio-early-mdev.rules.tmp && \
		chmod 0644 $(DESTDIR)$(UDEVRULESDIR)/61-vfio-early-mdev.rules.tmp && \
		mv $(DESTDIR)$(UDEVRULESDIR)/61-vfio-early-mdev.rules.tmp $(DESTDIR)$(UDEVRULESDIR)/61-vfio-early-mdev.rules
	install -D -m 0644 hooks/61-vfio-early-mdev.rules $(DESTDIR)$(PKGDATADIR)/61-vfio-early-mdev.rules
	@echo "installed the initramfs-tools and dracut integration; run update-initramfs -u or dracut -f to use it"

uninstall-hooks:
	rm -f $(DESTDIR)$(PKGDATADIR)/vfio-early-image.sh $(DESTDIR)$(PKGDATADIR)/61-vfio-early-mdev.rules \
	      $(DESTDIR)$(UDEVRULESDIR)/61-vfio-early-mdev.rules \
	      $(DESTDIR)$(INITRAMFS_TOOLS_DIR)/hooks/vfio-early \
	      $(DESTDIR)$(INITRAMFS_TOOLS_DIR)/scripts/init-top/00-vfio-early \
	      $(DESTDIR)$(DRACUT_MODULES_DIR)/90vfio-early/module-setup.sh \
	      $(DESTDIR)$(DRACUT_MODULES_DIR)/90vfio-early/vfio-early-pre-udev.sh
	-rmdir $(DESTDIR)$(PKGDATADIR) $(DESTDIR)$(DRACUT_MODULES_DIR)/90vfio-early 2>/dev/null
	@echo "removed the initramfs-tools and dracut integration; rebuild your initramfs (update-initramfs -u or dracut -f)"

# A Debian source and binary package of this tree, checked by lintian
# (debian/build-deb.sh, debian/README.source): build/deb/. DEB_VERSION=V builds
# version V (same upstream version) instead of debian/changelog's.
deb: kmod-fetch
	BUILD=$(BUILD) sh debian/build-deb.sh

clean:
	rm -rf $(BUILD)/obj $(BIN) $(BUILD)/test-unit

distclean:
	rm -rf $(BUILD)
