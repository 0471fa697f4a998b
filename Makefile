# The two commands of the README, each doing its own set-up:
#   make demo   installs dependencies, builds, runs the Andorra exercise end to end and serves the map
#   make test   installs dependencies, builds and runs the whole test suite (CTest + GoogleTest)
BUILD ?= build
JOBS ?= 2
SHARED ?= $(CURDIR)/../shared

.PHONY: all deps build web test demo bench clean format

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

test: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) --timeout 900

demo: build
	@bash scripts/demo.sh $(BUILD) $(SHARED)/data

bench: build
	@bash bench/run.sh $(BUILD) $(SHARED)/data

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD) web/dist
