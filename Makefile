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
BINDER_CFLAGS := $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -ffunction-sections -fdata-sections
LDFLAGS_STATIC := -static -Wl,--gc-sections -s

# Pure stages and their helpers: also built with the host compiler (glibc,
# sanitizers) for unit tests, fuzzing and valgrind.
PURE_SRCS := binder/util.c binder/device.c binder/pciaddr.c binder/parse.c binder/cmdline.c binder/plan.c binder/json.c
IO_SRCS   := binder/sysroot.c binder/scan.c binder/apply.c binder/record.c binder/report.c \
             binder/protected.c binder/status.c binder/main.c
KMOD_SRCS := binder/modload.c
SRCS      := $(PURE_SRCS) $(IO_SRCS) $(KMOD_SRCS)
OBJS      := $(SRCS:binder/%.c=$(BUILD)/obj/%.o)

.PHONY: all deps check unit bats lint install uninstall clean distclean
all: $(BIN)

include binder/kmod/kmod.mk
-include tests/boot/boot.mk
-include tests/extra.mk

$(BUILD)/obj/%.o: binder/%.c binder/*.h | $(KMOD_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(BINDER_CFLAGS) $(KMOD_CFLAGS) -c -o $@ $<

$(BIN): $(OBJS) $(KMOD_LIB)
	$(CC) $(BINDER_CFLAGS) $(LDFLAGS_STATIC) -o $@ $(OBJS) $(KMOD_LIB)
	@size=$$(stat -c %s $@); echo "built $@: $$size bytes, static"

# Host (glibc) build with ASan+UBSan: the same sources, a stub-free
# libkmod-less link is not possible, so modload.c comes from the musl
# libkmod headers but links against a host-built libkmod.
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

deps:
	sh tests/deps.sh build check

unit: $(BUILD)/test-unit
	$(BUILD)/test-unit

$(BUILD)/test-unit: tests/unit/*.c tests/unit/*.h $(PURE_SRCS) binder/*.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(WARN) -std=gnu11 -D_GNU_SOURCE $(SAN_FLAGS) -Ibinder -o $@ tests/unit/*.c $(PURE_SRCS)

bats: $(BIN)
	VFIO_EARLY=$(abspath $(BIN)) bats --print-output-on-failure tests/bats

lint:
	shellcheck -x tests/*.sh tests/sysfs/*.sh binder/kmod/fetch.sh .ci/run
	@if [ -d initramfs-tools ]; then find hooks initramfs-tools dracut -type f | xargs -r shellcheck -s dash -x 2>/dev/null || shellcheck -x $$(find hooks initramfs-tools dracut -type f); fi

check: deps $(BIN) unit bats lint
	@if grep -q '^boot-check:' tests/boot/boot.mk 2>/dev/null; then $(MAKE) boot-check; fi

install: $(BIN)
	install -D -m 0755 $(BIN) $(DESTDIR)$(SBINDIR)/vfio-early
	install -D -m 0644 conf/vfio-early.8 $(DESTDIR)$(MANDIR)/man8/vfio-early.8
	install -D -m 0644 conf/vfio-early.conf.5 $(DESTDIR)$(MANDIR)/man5/vfio-early.conf.5
	install -D -m 0644 conf/vfio-early.conf $(DESTDIR)$(DOCDIR)/vfio-early.conf.example
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/vfio-early.conf ]; then \
		echo "keeping existing $(DESTDIR)$(SYSCONFDIR)/vfio-early.conf"; \
	else install -D -m 0644 conf/vfio-early.conf $(DESTDIR)$(SYSCONFDIR)/vfio-early.conf; fi
	@if grep -q '^install-hooks:' tests/boot/boot.mk 2>/dev/null; then $(MAKE) install-hooks; fi

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/vfio-early $(DESTDIR)$(MANDIR)/man8/vfio-early.8 \
	      $(DESTDIR)$(MANDIR)/man5/vfio-early.conf.5 $(DESTDIR)$(DOCDIR)/vfio-early.conf.example
	-rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null
	@echo "left $(DESTDIR)$(SYSCONFDIR)/vfio-early.conf in place (your config)"
	@if grep -q '^uninstall-hooks:' tests/boot/boot.mk 2>/dev/null; then $(MAKE) uninstall-hooks; fi

clean:
	rm -rf $(BUILD)/obj $(BIN) $(BUILD)/test-unit

distclean:
	rm -rf $(BUILD)
