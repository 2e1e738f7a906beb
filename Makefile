# samenplan: thin wrapper around scripts/setup, CMake/Ninja and ctest.
#
#   make run     set up, release build, then serve on http://$(HOST):$(PORT) with data in $(DATA)
#   make test    set up, build, run every test (release build, then an ASan+UBSan build)
#   make pgo     set up, profile-guided release build in build-pgo/ (scripts/pgo-build)
#
# Every compile runs under flock $(BUILD_LOCK), so two builds never run at once.

HOST ?= 127.0.0.1
PORT ?= 8080
DATA ?= ./data
BUILD_DIR ?= build
ASAN_DIR ?= build-asan
ASAN_BUILD_TYPE ?= Debug
CTEST_ARGS ?= -LE long
BUILD_LOCK ?= /tmp/samenplan-build.lock
JOBS ?= 2

LOCKED := flock $(BUILD_LOCK)

# ccache: rewrite absolute paths under the checkout to relative ones, so that
# clean clones elsewhere (CI) hit the same cache entries.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := true
CMAKE_CONFIGURE := cmake -G Ninja -Wno-dev

.PHONY: all setup configure build build-asan web run test test-release test-asan pgo format clean

all: build

setup:
	@scripts/setup

# Configure only when the build directory is new; Ninja re-runs CMake itself
# whenever a CMakeLists.txt changes.
$(BUILD_DIR)/build.ninja:
	$(LOCKED) $(CMAKE_CONFIGURE) -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release

$(ASAN_DIR)/build.ninja:
	$(LOCKED) $(CMAKE_CONFIGURE) -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=$(ASAN_BUILD_TYPE) \
	  -DSAMENPLAN_SANITIZE=ON

configure: setup $(BUILD_DIR)/build.ninja

build: setup $(BUILD_DIR)/build.ninja
	$(LOCKED) cmake --build $(BUILD_DIR) -j $(JOBS)
	@$(MAKE) --no-print-directory web

build-asan: setup $(ASAN_DIR)/build.ninja
	$(LOCKED) cmake --build $(ASAN_DIR) -j $(JOBS)
	@$(MAKE) --no-print-directory web

# The web client (web-client/dist, served at /): rebuilt only when its sources,
# its lock file or the schemas' generated files changed.
WEB_SOURCES := $(shell find web-client/src schemas/generated -type f 2>/dev/null) \
  web-client/index.html web-client/vite.config.ts web-client/tsconfig.json \
  web-client/package.json web-client/package-lock.json

web: web-client/dist/index.html

web-client/dist/index.html: $(WEB_SOURCES)
	cd web-client && $(LOCKED) npm run --silent build -- --logLevel warn
	@touch $@

run: build
	@echo "samenplan: data in $(DATA); open the URL below (Ctrl-C stops)"
	$(BUILD_DIR)/bin/samenplan serve --host $(HOST) --port $(PORT) --data $(DATA)

test: test-release test-asan

test-release: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) $(CTEST_ARGS)

test-asan: build-asan
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(ASAN_DIR) --output-on-failure -j $(JOBS) $(CTEST_ARGS)

pgo: setup
	BUILD_LOCK=$(BUILD_LOCK) JOBS=$(JOBS) scripts/pgo-build

format:
	git ls-files -z -- '*.cpp' '*.h' '*.hpp' | xargs -0 -r clang-format -i

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) build-pgo
