# Entry points a new user runs; see README.md.
BUILD ?= build
JOBS ?= 2

.PHONY: setup build test test-sanitize demo bench clean format

setup:
	bash scripts/setup

# Optimised without debug info: debug info makes every compile about 30% slower and CI has 2 cores.
$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG"

build: setup $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# In CI (CI=true) the parser and config tests also run under ASan/UBSan, in a second build.
test: build
	cd $(BUILD) && ctest -j $(JOBS) --output-on-failure --timeout 600
	@if [ "$${CI:-}" = "true" ]; then $(MAKE) --no-print-directory test-sanitize; fi

test-sanitize: setup
	cmake -S . -B $(BUILD)-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DTALFORGE_SANITIZE=ON
	cmake --build $(BUILD)-asan -j $(JOBS) --target spec_test talos_test util_test factory_test
	cd $(BUILD)-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  ctest -j $(JOBS) --output-on-failure --timeout 900 -R '^(spec|talos|util|factory)\.'

demo: build
	bash scripts/demo $(BUILD)/talforge

bench: setup $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS) --target benchmarks
	bash scripts/bench $(BUILD)

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

clean:
	rm -rf $(BUILD)
