# Speed and size, side by side with driverctl (issue 7). GNU make fragment,
# included by the top Makefile.
#
#   make bench         full run (several minutes, root): trees of 64..4096
#                      devices, driverctl comparison, callgrind, strace,
#                      initramfs growth, boot-test timings -> bench/results.md
#   make bench-smoke   64 and 256 devices, no images (< 30 s; part of make
#                      check) -> $(BUILD)/bench/smoke.md. Warns when the
#                      address-only scan grows or a device costs > 6 syscalls;
#                      BENCH_STRICT=1 makes that an error.
#
# The same objects linked without -s, for callgrind's function names (the
# instruction counts are those of the stripped binary: same code).

BENCH_OUT ?= $(BUILD)/bench
BENCH_SYM := $(BENCH_OUT)/vfio-early.sym

CHECK_EXTRA += bench-smoke
DEPS_GROUPS += bench
.PHONY: bench bench-smoke

$(BENCH_SYM): $(OBJS) $(KMOD_LIB)
	@mkdir -p $(@D)
	$(CC) $(BINDER_CFLAGS) $(filter-out -s,$(LDFLAGS_STATIC)) -o $@ $(OBJS) $(KMOD_LIB)

bench: $(BIN) $(BENCH_SYM)
	sh tests/deps.sh bench
	VFIO_EARLY=$(abspath $(BIN)) VFIO_EARLY_SYM=$(abspath $(BENCH_SYM)) BENCH_OUT=$(abspath $(BENCH_OUT)) \
		sh bench/run.sh

bench-smoke: $(BIN) $(BENCH_SYM)
	@if [ "$$(id -u)" != 0 ]; then echo "bench-smoke: skipped (needs root for mount namespaces)"; else \
		VFIO_EARLY=$(abspath $(BIN)) VFIO_EARLY_SYM=$(abspath $(BENCH_SYM)) BENCH_OUT=$(abspath $(BENCH_OUT)) \
		sh bench/run.sh --smoke > $(BENCH_OUT)/smoke.log 2>&1 || { cat $(BENCH_OUT)/smoke.log; exit 1; }; \
		grep -e '^bench-smoke' -e '^| <= \|^| >= \|^| address' $(BENCH_OUT)/smoke.log || :; \
		echo "bench-smoke: ok ($(BENCH_OUT)/smoke.md)"; fi
