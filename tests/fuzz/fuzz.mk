# libFuzzer harnesses for the pure parsers (config, kernel command line,
# protected list, the JSON record reader, the option ROM checker). GNU make
# fragment, included by the top Makefile.
#
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_EXECS=N] [FUZZ_JOBS=1]   each harness for
#                       FUZZ_SECONDS (or until N executions), new
#                       inputs kept in $(BUILD)/fuzz/corpus-NAME (the committed
#                       corpus in tests/fuzz/corpus/NAME is only read)
#   make fuzz-short     fixed seed, fixed number of runs per harness (make check);
#                       new inputs go to $(BUILD)/fuzz/short-corpus-NAME, never
#                       into the committed corpus
#   make fuzz-build     just the binaries: $(BUILD)/fuzz/fuzz-NAME
#
# A crash leaves $(BUILD)/fuzz/crash-* ; reproduce with
#   $(BUILD)/fuzz/fuzz-NAME $(BUILD)/fuzz/crash-...

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_JOBS    ?= 1
FUZZ_RUNS    ?= 200000
# make fuzz stops a harness at FUZZ_EXECS executions if set (else time only)
FUZZ_EXECS   ?=
FUZZ_NAMES   := config cmdline protlist json rom
FUZZ_DIR     := tests/fuzz
FUZZ_OUT     ?= $(BUILD)/fuzz
FUZZ_BINS    := $(FUZZ_NAMES:%=$(FUZZ_OUT)/fuzz-%)
# -max_len: the parsers cut lines at 4 KiB; 8 KiB inputs cross that edge.
FUZZ_OPTS    := -max_len=8192 -timeout=10 -rss_limit_mb=1024 -print_final_stats=1
FUZZ_CFLAGS  := -std=gnu11 -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-Wall -Wextra -Werror -Ibinder

CHECK_EXTRA += fuzz-short
DEPS_GROUPS += fuzz
.PHONY: fuzz fuzz-short fuzz-build fuzz-clean

fuzz-build: $(FUZZ_BINS)

$(FUZZ_OUT)/fuzz-%: $(FUZZ_DIR)/fuzz_%.c $(PURE_SRCS) binder/*.h $(FUZZ_DIR)/fuzz.mk
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(PURE_SRCS)


fuzz-short: $(FUZZ_BINS)
	@for n in $(FUZZ_NAMES); do \
		d=; [ -f $(FUZZ_DIR)/$$n.dict ] && d=-dict=$(FUZZ_DIR)/$$n.dict; \
		echo "fuzz-short: $$n, seed 1, $(FUZZ_RUNS) runs"; \
		rm -rf $(FUZZ_OUT)/short-corpus-$$n; mkdir -p $(FUZZ_OUT)/short-corpus-$$n; \
		$(FUZZ_OUT)/fuzz-$$n $(FUZZ_OPTS) -seed=1 -runs=$(FUZZ_RUNS) $$d \
			-artifact_prefix=$(FUZZ_OUT)/crash-$$n- $(FUZZ_OUT)/short-corpus-$$n $(FUZZ_DIR)/corpus/$$n \
			>$(FUZZ_OUT)/short-$$n.log 2>&1 \
			|| { tail -40 $(FUZZ_OUT)/short-$$n.log; exit 1; }; \
		grep -h 'stat::number_of_executed_units' $(FUZZ_OUT)/short-$$n.log; \
	done

fuzz: $(FUZZ_BINS)
	@for n in $(FUZZ_NAMES); do \
		mkdir -p $(FUZZ_OUT)/corpus-$$n; \
		d=; [ -f $(FUZZ_DIR)/$$n.dict ] && d=-dict=$(FUZZ_DIR)/$$n.dict; \
		echo "fuzz: $$n for $(FUZZ_SECONDS) s, $(FUZZ_JOBS) job(s)"; \
		$(FUZZ_OUT)/fuzz-$$n $(FUZZ_OPTS) $$d -max_total_time=$(FUZZ_SECONDS) $(if $(FUZZ_EXECS),-runs=$(FUZZ_EXECS)) \
			$(if $(filter-out 1,$(FUZZ_JOBS)),-jobs=$(FUZZ_JOBS) -workers=$(FUZZ_JOBS)) \
			-artifact_prefix=$(FUZZ_OUT)/crash-$$n- $(FUZZ_OUT)/corpus-$$n $(FUZZ_DIR)/corpus/$$n \
			>$(FUZZ_OUT)/fuzz-$$n.log 2>&1 || { tail -60 $(FUZZ_OUT)/fuzz-$$n.log; exit 1; }; \
		grep -h -e '^Done' -e 'stat::number_of_executed_units' -e 'stat::peak_rss_mb' $(FUZZ_OUT)/fuzz-$$n.log; \
	done

fuzz-clean:
	rm -rf $(FUZZ_OUT)
