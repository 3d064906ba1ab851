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

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2 -Wno-format-nonliteral
CFLAGS   ?= -Os
BINDER_CFLAGS := $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables
LDFLAGS_STATIC := -static -Wl,--gc-sections -Wl,--build-id=none -s

# Pure stages and their helpers: also built with the host compiler (glibc,
# sanitizers) for unit tests, fuzzing and valgrind.
# The stages in pipeline order (see README "How it works"); pure ones have
# no I/O and are also built with the host compiler (glibc, sanitizers) for
# unit tests, fuzzing and valgrind.
PURE_SRCS := binder/util.c binder/pciaddr.c binder/parse.c binder/cmdline.c binder/device.c binder/protlist.c \
             binder/plan.c binder/plan_sriov.c binder/json.c binder/doctor.c binder/snippets.c
IO_SRCS   := binder/sysroot.c binder/scan.c binder/protected.c binder/apply.c binder/apply_sriov.c \
             binder/kmsg.c binder/record.c binder/report.c binder/status.c binder/hostfacts.c binder/initrd.c \
             binder/run.c binder/main.c
KMOD_SRCS := binder/modload.c binder/fnmatch.c
SRCS      := $(PURE_SRCS) $(IO_SRCS) $(KMOD_SRCS)
OBJS      := $(SRCS:binder/%.c=$(BUILD)/obj/%.o)

.PHONY: all deps check check-all unit bats lint sysfs-selftest install uninstall clean distclean
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

install: $(BIN)
	install -D -m 0755 $(BIN) $(DESTDIR)$(SBINDIR)/vfio-early
	install -D -m 0644 conf/vfio-early.8 $(DESTDIR)$(MANDIR)/man8/vfio-early.8
	install -D -m 0644 conf/vfio-early.conf.5 $(DESTDIR)$(MANDIR)/man5/vfio-early.conf.5
	install -D -m 0644 conf/vfio-early.conf $(DESTDIR)$(DOCDIR)/vfio-early.conf.example
	install -D -m 0644 conf/check-json.md $(DESTDIR)$(DOCDIR)/check-json.md
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/vfio-early.conf ]; then \
		echo "keeping existing $(DESTDIR)$(SYSCONFDIR)/vfio-early.conf"; \
	else install -D -m 0644 conf/vfio-early.conf $(DESTDIR)$(SYSCONFDIR)/vfio-early.conf; fi
	@for t in $(INSTALL_EXTRA); do $(MAKE) --no-print-directory $$t || exit 1; done

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/vfio-early $(DESTDIR)$(MANDIR)/man8/vfio-early.8 \
	      $(DESTDIR)$(MANDIR)/man5/vfio-early.conf.5 $(DESTDIR)$(DOCDIR)/vfio-early.conf.example \
	      $(DESTDIR)$(DOCDIR)/check-json.md
	-rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null
	@echo "left $(DESTDIR)$(SYSCONFDIR)/vfio-early.conf in place (your config)"
	@for t in $(UNINSTALL_EXTRA); do $(MAKE) --no-print-directory $$t || exit 1; done

clean:
	rm -rf $(BUILD)/obj $(BIN) $(BUILD)/test-unit

distclean:
	rm -rf $(BUILD)
