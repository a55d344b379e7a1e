# The two commands a newcomer needs:
#   make run    builds VisionaryAI and starts `visionary serve` on http://127.0.0.1:3000
#   make test   builds everything and runs every test suite (the lint checks included)
# Both install missing Debian and npm packages first (scripts/setup.sh).
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)

.PHONY: run test build setup bench clean format lint

run: build
	./$(BUILD_DIR)/visionary serve

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

build: setup
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)
	cmake --build $(BUILD_DIR) -j $(JOBS)

setup:
	./scripts/setup.sh

bench: build
	./bench/run.sh

lint:
	./scripts/check-format.sh
	node scripts/check-layers.mjs

format:
	clang-format -i $$(git ls-files 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'bench/*.cpp' 'bench/*.hpp' 'fuzz/*.cpp' 'fuzz/*.hpp')

clean:
	rm -rf $(BUILD_DIR)
