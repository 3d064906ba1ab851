# Hardening: the whole binary built with the host compiler (glibc) under
# ASan+UBSan with fault injection, the bats suite run against it, valgrind
# over a plain glibc build, and static analysis. GNU make fragment, included
# by the top Makefile (after kmod.mk: uses KMOD_SRC, KMOD_SOURCES, SRCS).
#
#   make san         $(BUILD)/san/vfio-early   ASan+UBSan, -DVFIO_EARLY_FAULTS -Itests/hardening
#   make bats-san    every tests/bats/*.bats against it; any sanitizer report
#                    (even from a command expected to fail) fails the target
#   make valgrind    valgrind --error-exitcode=1 over representative commands
#   make analyze     cppcheck + clang-tidy (.clang-tidy) over binder/*.c and faults.c
#
# libkmod: the musl libkmod.a cannot link with glibc, so the same fetched
# sources are built again with the host compiler into $(BUILD)/host-kmod/.

HOSTKMOD_DIR  := $(BUILD)/host-kmod
HOSTKMOD_LIB  := $(HOSTKMOD_DIR)/libkmod.a
HOSTKMOD_OBJS := $(addprefix $(HOSTKMOD_DIR)/obj/,$(KMOD_SOURCES:.c=.o))
# glibc declares strndupa itself: tell shared/missing.h not to.
HOSTKMOD_CFLAGS := -O1 -g -fno-common -w -DHAVE_DECL_STRNDUPA=1

SAN_DIR    := $(BUILD)/san
SAN_BIN    := $(SAN_DIR)/vfio-early
SAN_LOGS   := $(SAN_DIR)/logs
HOST_BIN   := $(BUILD)/host/vfio-early
TEST_SRCS  := $(SRCS) tests/hardening/faults.c
HARD_FLAGS := -O1 -g -fno-omit-frame-pointer
SAN_CFLAGS := $(HARD_FLAGS) -fsanitize=address,undefined -fno-sanitize-recover=all -DVFIO_EARLY_FAULTS -Ibinder -Itests/hardening
# Reports go to files as well as stderr: a crash in a command that a test
# expects to fail must still fail the run.
SAN_ENV := ASAN_OPTIONS=abort_on_error=0:exitcode=86:detect_leaks=1:log_path=$(abspath $(SAN_LOGS))/asan \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=86:log_path=$(abspath $(SAN_LOGS))/ubsan

CHECK_EXTRA += bats-san valgrind analyze
.PHONY: san host-kmod bats-san valgrind analyze

host-kmod: $(HOSTKMOD_LIB)

$(HOSTKMOD_OBJS): $(HOSTKMOD_DIR)/obj/%.o: $(KMOD_STAMP) $(KMOD_MK_DIR)/config.h tests/hardening/hardening.mk
	@mkdir -p $(@D)
	$(HOSTCC) $(KMOD_BUILD_CPPFLAGS) $(HOSTKMOD_CFLAGS) -c -o $@ $(KMOD_SRC)/$*.c

$(HOSTKMOD_LIB): $(HOSTKMOD_OBJS)
	rm -f $@
	$(AR) rcs $@ $(HOSTKMOD_OBJS)

san: $(SAN_BIN)

$(SAN_BIN): $(TEST_SRCS) binder/*.h tests/hardening/faults.h $(HOSTKMOD_LIB) | $(KMOD_HDR)
	@mkdir -p $(@D)
	$(HOSTCC) $(WARN) -std=gnu11 -D_GNU_SOURCE $(SAN_CFLAGS) $(KMOD_CFLAGS) -o $@ $(TEST_SRCS) $(HOSTKMOD_LIB)

$(HOST_BIN): $(SRCS) binder/*.h $(HOSTKMOD_LIB) | $(KMOD_HDR)
	@mkdir -p $(@D)
	$(HOSTCC) $(WARN) -std=gnu11 -D_GNU_SOURCE $(HARD_FLAGS) $(KMOD_CFLAGS) -o $@ $(SRCS) $(HOSTKMOD_LIB)

bats-san: $(SAN_BIN) $(BIN)
	@rm -rf $(SAN_LOGS); mkdir -p $(SAN_LOGS)
	$(SAN_ENV) VFIO_EARLY=$(abspath $(SAN_BIN)) VFIO_EARLY_SAN=1 bats --print-output-on-failure tests/bats
	@if ls $(SAN_LOGS)/* >/dev/null 2>&1; then cat $(SAN_LOGS)/*; echo "bats-san: sanitizer reports above"; exit 1; fi
	@echo "bats-san: whole bats suite under ASan+UBSan, no sanitizer report"

valgrind: $(HOST_BIN) $(BIN)
	sh tests/hardening/valgrind.sh $(HOST_BIN) $(BIN)

# cppcheck: the real headers are not needed for these checks; the kmod
# header is, for modload.c.
CPPCHECK_FLAGS := --enable=warning,portability,performance --error-exitcode=1 --inline-suppr --quiet \
	--std=c11 -D_GNU_SOURCE -D__GNUC__ --suppress=missingIncludeSystem -Ibinder $(KMOD_CFLAGS)
ANALYZE_SRCS := $(wildcard binder/*.c) tests/hardening/faults.c
analyze: | $(KMOD_HDR)
	cppcheck $(CPPCHECK_FLAGS) -Itests/hardening $(ANALYZE_SRCS)
	printf '%s\n' $(ANALYZE_SRCS) | xargs -P$$(nproc) -n3 sh -c \
		'clang-tidy --quiet "$$@" -- -std=gnu11 -D_GNU_SOURCE -DVFIO_EARLY_FAULTS -Ibinder -Itests/hardening $(KMOD_CFLAGS)' clang-tidy
	@echo "analyze: cppcheck and clang-tidy clean over binder/*.c and the fault injector"
