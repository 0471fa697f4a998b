# The two commands of the README, each doing its own set-up:
#   make demo   installs dependencies, builds, imports the Andorra extract and routes around a hazard
#   make test   installs dependencies, builds and runs the whole test suite (CTest + GoogleTest)
BUILD ?= build
JOBS ?= 2
SHARED ?= $(CURDIR)/../shared

.PHONY: all deps build test demo bench clean format

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DCORRIDOR_SHARED_DATA=$(SHARED)/data

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) --timeout 900

demo: build
	@bash scripts/demo.sh $(BUILD) $(SHARED)/data

bench: build
	@bash bench/run.sh $(BUILD) $(SHARED)/data

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD)
