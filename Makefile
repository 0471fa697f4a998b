# The two commands of the README, each doing its own set-up:
#   make demo   installs dependencies, builds, runs the Andorra exercise end to end and serves the map
#   make test   installs dependencies, builds and runs the whole test suite (CTest + GoogleTest): the
#               release build's tests, the style checks, and the unit and CLI tests under ASan/UBSan
#               with every fuzz target for a short run (the fuzz preset, clang-14)
BUILD ?= build
JOBS ?= 2
SHARED ?= $(CURDIR)/../shared
FUZZ_BUILD ?= build-fuzz
# ccache keys on paths relative to the checkout, so a fresh clone elsewhere
# (as CI makes) reuses what an earlier build compiled.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1
FUZZ_SECONDS ?= 300

.PHONY: all deps build web test style sanitize fuzz demo bench clean format

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DCORRIDOR_SHARED_DATA=$(SHARED)/data

build: deps $(BUILD)/CMakeCache.txt web
	cmake --build $(BUILD) -j$(JOBS)

# The map page (web/): npm packages from the lock file, bundled into web/dist.
web: web/dist/index.html

web/node_modules/.package-lock.json: web/package-lock.json | deps
	cd web && npm ci --no-audit --no-fund

web/dist/index.html: web/node_modules/.package-lock.json web/build.mjs $(wildcard web/src/*)
	cd web && npm run build

test: build style sanitize
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) --timeout 900

# clang-format on every C++ file, clang-tidy on the recently changed sources
# (TIDY=all: every source).
style: build
	@bash scripts/check-style.sh $(BUILD)

# The unit and CLI tests again under AddressSanitizer and UBSan (clang-14),
# and each fuzz target for 20 s on its seeds (tests/fuzz/README.md).
$(FUZZ_BUILD)/CMakeCache.txt: | deps
	cmake --preset fuzz -DCORRIDOR_SHARED_DATA=$(SHARED)/data

sanitize: deps $(FUZZ_BUILD)/CMakeCache.txt
	cmake --build $(FUZZ_BUILD) -j$(JOBS)
	cd $(FUZZ_BUILD) && ctest --output-on-failure -j$(JOBS) --timeout 900 -L 'unit|cli|fuzz'

# Every fuzz target for FUZZ_SECONDS (default 300), its corpus kept in
# $(FUZZ_BUILD)/corpus between runs, crashes in $(FUZZ_BUILD)/fuzz-artifacts.
fuzz: deps $(FUZZ_BUILD)/CMakeCache.txt
	cmake --build $(FUZZ_BUILD) -j$(JOBS)
	cd $(FUZZ_BUILD) && FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_CORPUS=$(CURDIR)/$(FUZZ_BUILD)/corpus \
	  FUZZ_ARTIFACTS=$(CURDIR)/$(FUZZ_BUILD)/fuzz-artifacts ctest --output-on-failure -j$(JOBS) -L fuzz -V

demo: build
	@bash scripts/demo.sh $(BUILD) $(SHARED)/data

bench: build
	@bash bench/run.sh $(BUILD) $(SHARED)/data

format:
	clang-format-14 -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD) web/dist
