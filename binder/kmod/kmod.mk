# libkmod (Debian trixie's kmod 34.2), static, for musl. GNU make fragment,
# included by the top-level Makefile, which sets CC (musl-gcc) and BUILD.
#
# Provides:
#   KMOD_LIB     $(BUILD)/kmod/libkmod.a      link this
#   KMOD_CFLAGS  -I$(BUILD)/kmod/include      so that #include <libkmod.h> works
#   KMOD_HDR     $(BUILD)/kmod/include/libkmod.h  (order-only prerequisite for
#                objects that include it: "foo.o: ... | $(KMOD_HDR)")
#   targets      kmod-fetch, kmod (= $(KMOD_LIB)), kmod-clean (objects + lib),
#                kmod-distclean (all of $(BUILD)/kmod, incl. download)
# Third-party code gets its own flags (KMOD_BUILD_CFLAGS): our CFLAGS and
# -Werror are never applied to it. Override KMOD_CC to use another compiler.

BUILD ?= build
CC ?= musl-gcc
AR ?= ar

KMOD_MK_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
KMOD_DIR    := $(BUILD)/kmod
KMOD_SRC    := $(KMOD_DIR)/src
KMOD_OBJDIR := $(KMOD_DIR)/obj
KMOD_STAMP  := $(KMOD_SRC)/.fetched
KMOD_LIB    := $(KMOD_DIR)/libkmod.a
KMOD_HDR    := $(KMOD_DIR)/include/libkmod.h
KMOD_CFLAGS := -I$(KMOD_DIR)/include

KMOD_CC ?= $(CC)
KMOD_BUILD_CFLAGS ?= -Os -ffunction-sections -fdata-sections -fno-common -fno-asynchronous-unwind-tables -fno-unwind-tables \
	-fvisibility=hidden -w
# musl <= 1.2.4 declares basename() in <string.h>, 1.2.5 does not: ask the
# compiler at hand (kmod's own meson build probes the same).
KMOD_HAVE_BASENAME := $(shell printf '\043include <string.h>\nvoid *p = (void *)basename;\n' | \
	$(KMOD_CC) -D_GNU_SOURCE -x c -c -o /dev/null - 2>/dev/null && echo 1 || echo 0)
KMOD_BUILD_CPPFLAGS := -include $(KMOD_MK_DIR)/config.h -DHAVE_DECL_BASENAME=$(KMOD_HAVE_BASENAME) \
	-I$(KMOD_SRC) -I$(KMOD_SRC)/libkmod

KMOD_SOURCES := \
	libkmod/libkmod.c \
	libkmod/libkmod-builtin.c \
	libkmod/libkmod-list.c \
	libkmod/libkmod-config.c \
	libkmod/libkmod-index.c \
	libkmod/libkmod-module.c \
	libkmod/libkmod-file.c \
	libkmod/libkmod-elf.c \
	libkmod/libkmod-signature.c \
	shared/array.c \
	shared/hash.c \
	shared/strbuf.c \
	shared/util.c
KMOD_OBJS := $(addprefix $(KMOD_OBJDIR)/,$(KMOD_SOURCES:.c=.o))

.PHONY: kmod kmod-fetch kmod-clean kmod-distclean
kmod: $(KMOD_LIB)
kmod-fetch: $(KMOD_STAMP)

# fetch.sh is idempotent (no-op when src/ matches the pin); touch so a newer
# kmod.sha256 with unchanged content does not re-run it on every make.
$(KMOD_STAMP): $(KMOD_MK_DIR)/kmod.sha256
	sh $(KMOD_MK_DIR)/fetch.sh $(KMOD_DIR)
	touch $@

$(KMOD_HDR): $(KMOD_STAMP)
	@mkdir -p $(@D)
	cp $(KMOD_SRC)/libkmod/libkmod.h $@

# Static pattern rule: the sources appear only once the stamp exists, and they
# change only with it (pinned tarball), so the stamp stands in for them.
$(KMOD_OBJS): $(KMOD_OBJDIR)/%.o: $(KMOD_STAMP) $(KMOD_MK_DIR)/config.h $(KMOD_MK_DIR)/kmod.mk
	@mkdir -p $(@D)
	$(KMOD_CC) $(KMOD_BUILD_CPPFLAGS) $(KMOD_BUILD_CFLAGS) -c -o $@ $(KMOD_SRC)/$*.c

$(KMOD_LIB): $(KMOD_OBJS) | $(KMOD_HDR)
	rm -f $@
	$(AR) rcs $@ $(KMOD_OBJS)

kmod-clean:
	rm -rf $(KMOD_OBJDIR) $(KMOD_LIB) $(KMOD_DIR)/include

kmod-distclean:
	rm -rf $(KMOD_DIR)
