# libsyslab — build, test, demo, install.
#   make demo      a real load test with failure scenarios, printed readably
#   make test      every suite: Swift, C, Lua, Python, contract checks, README examples
#   make install PREFIX=/usr/local
# Both demo and test install what they need on a fresh Debian machine.

PREFIX      ?= /usr/local
SWIFT       ?= swift
RELEASE     := .build/release
# The Swift runtime is linked into libsyslab.so, so C and Python users need no toolchain.
SWIFT_FLAGS := -c release -Xswiftc -static-stdlib
LIB         := $(RELEASE)/libsyslab.so
LUA_BIN     := $(RELEASE)/syslab-lua
# The `syslab` command and server: the nested package control-plane/ (docs/serve.md).
# Built once per run, in one configuration shared by the binary and its Swift tests:
# debug (the server is I/O bound; an optimised build of Hummingbird, SwiftNIO and
# BoringSSL takes several times as long). The binary links the Swift runtime
# statically (a link flag in control-plane/Package.swift), so it needs no toolchain.
CONTROL_PLANE   := control-plane
CLI_SWIFT_FLAGS := --package-path $(CONTROL_PLANE)
# SwiftPM names it syslab-command (control-plane/Package.swift says why); CLI_BIN is a link
# beside it, so that the folder can go on PATH as it is.
CLI_BIN         := $(CONTROL_PLANE)/.build/debug/syslab
LUA_CPATH_DIR := .build/lua
CC          ?= cc
CFLAGS_TEST := -std=c11 -Wall -Wextra -Wpedantic -Werror -IInclude
C_TESTS     := $(wildcard Tests/c/test_*.c)
LUA_TESTS   := $(wildcard Tests/lua/test_*.lua)
PYTHON      ?= python3

.PHONY: all deps build demo demo-report test-browser quickstart test-install test test-swift test-c test-lua test-grid test-python test-contract test-readme test-serve test-fleet \
        test-lua-official snapshot docs check-docs install bench clean wheel test-wheel test-tsan \
        tutorials test-tutorials tutorial-images

all: build

deps:
	@tools/install-deps.sh

# libsyslab.so exports only the C API and luaopen_syslab (bindings/c/libsyslab.map).
build: deps
	$(SWIFT) build $(SWIFT_FLAGS) --product syslab -Xlinker --version-script=$(CURDIR)/bindings/c/libsyslab.map
	$(MAKE) --no-print-directory $(LUA_BIN)
	@mkdir -p $(LUA_CPATH_DIR) && ln -sf ../release/libsyslab.so $(LUA_CPATH_DIR)/syslab.so
	$(SWIFT) build $(CLI_SWIFT_FLAGS) --product syslab-command
	@ln -sf syslab-command $(CLI_BIN)

# syslab-lua is C (lua.c's behaviour plus the shared Lua shim) and loads
# libsyslab.so only on require "syslab", so it starts as fast as lua5.4.
LUA_CLI_SOURCES := Sources/SyslabLuaCLI/main.c Sources/CLuaShim/shim.c Sources/CLuaShim/include/syslab_lua_shim.h
$(LUA_BIN): $(LUA_CLI_SOURCES) Include/syslab.h
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -ISources/CLuaShim/include -IInclude $$(pkg-config --cflags lua5.4) \
	  Sources/SyslabLuaCLI/main.c Sources/CLuaShim/shim.c $$(pkg-config --libs lua5.4) -ldl -o $@

demo: build
	@$(LUA_BIN) scripts/examples/quickstart.lua 1
	@echo
	@$(LUA_BIN) scripts/examples/demo.lua

# The demo's run as an HTML report, rendered by headless Chromium at desktop and phone
# widths into docs/images/ (committed; README.md shows one).
DEMO_REPORT := .build/demo-report/demo-report.html
demo-report: build
	@mkdir -p $(dir $(DEMO_REPORT))
	@$(LUA_BIN) scripts/examples/demo.lua --html $(DEMO_REPORT) > /dev/null
	$(PYTHON) tools/screenshot_report.py $(DEMO_REPORT) --out docs/images/demo-report --widths 1280,390

quickstart: build
	@$(LUA_BIN) scripts/examples/quickstart.lua

test: build test-swift test-c test-lua test-grid test-lua-official test-python test-contract test-readme test-install test-wheel \
      test-fuzz-replay test-asan test-tsan test-observability test-serve test-fleet test-tutorials test-browser
	@echo "make test: all suites passed"

# The library's tests, then control-plane's with the flags `make build` used for the
# binary, so that they reuse its build rather than start another.
test-swift: deps
	$(SWIFT) test --parallel
	$(SWIFT) test $(CLI_SWIFT_FLAGS) --parallel

test-c: build
	@mkdir -p .build/ctests
	@set -e; for t in $(C_TESTS); do \
	  exe=.build/ctests/$$(basename $$t .c); \
	  $(CC) $(CFLAGS_TEST) $$t -L$(RELEASE) -lsyslab -Wl,-rpath,$(CURDIR)/$(RELEASE) -lpthread -lm -o $$exe; \
	  $$exe; \
	done
	@echo '#include <syslab.h>' | $(CXX) -x c++ -std=c++17 -Wall -Wextra -Wpedantic -Werror -IInclude -fsyntax-only -
	@$(CC) $(CFLAGS_TEST) bindings/c/example.c -L$(RELEASE) -lsyslab -Wl,-rpath,$(CURDIR)/$(RELEASE) -o .build/ctests/example
	@.build/ctests/example > /dev/null && echo "bindings/c/example.c: ok"

test-lua: build
	@set -e; pass=0; for t in $(LUA_TESTS); do \
	  echo "lua: $$t"; SYSLAB_BUILD=$(RELEASE) $(LUA_BIN) $$t; pass=$$((pass+1)); \
	done; \
	LUA_CPATH="$(LUA_CPATH_DIR)/?.so" lua5.4 -e 'local s = require "syslab"; assert(#s.registry():list() >= 3)' && \
	echo "stock lua5.4 loads syslab.so: ok" && echo "lua: $$pass passed, 0 failed"

# The diagnosis grid (Tests/grid): templates x scenario kinds plus controls, in
# virtual time; fails below its thresholds. GRID_ARGS="--set heldout --seed 7"
# runs the held-out grid.
test-grid: build
	$(LUA_BIN) Tests/grid/diagnosis_grid.lua $(GRID_ARGS)

# The official Lua 5.4.4 test suite (kept outside the project) run with syslab-lua:
# main.lua (the stand-alone interpreter) and the portable suite, each with the
# default limits and with the safety limits set. Skipped where the folder is absent.
# main.lua's Ctrl-C test (all.lua runs main.lua too) reads a background script's
# pid from `sh -c "lua ... & echo $$!"` and expects it before the script's first
# output. On a loaded machine the script often wins that race, stock lua5.4 as
# well, and the test then signals a wrong pid. So the suite calls syslab-lua
# through a wrapper (main.lua takes the interpreter's name from arg) that waits
# 50 ms before exec; a run that still loses the race is retried once, saying so.
LUA_OFFICIAL_TESTS ?= $(CURDIR)/../shared/lua-5.4.4-tests
LUA_OFFICIAL_LIMITS := SYSLAB_LUA_MAX_INSTRUCTIONS=20000000000 SYSLAB_LUA_MAX_MEMORY_MB=1024
LUA_OFFICIAL_WRAPPER := $(CURDIR)/.build/official-lua/lua

test-lua-official: build
	@if [ ! -f "$(LUA_OFFICIAL_TESTS)/all.lua" ]; then \
	  echo "test-lua-official: skipped ($(LUA_OFFICIAL_TESTS) not found)"; exit 0; fi; \
	mkdir -p $(dir $(LUA_OFFICIAL_WRAPPER)); \
	printf '#!/bin/bash\nsleep 0.05\nexec -a "$$0" %s "$$@"\n' "$(CURDIR)/$(LUA_BIN)" > $(LUA_OFFICIAL_WRAPPER); \
	chmod +x $(LUA_OFFICIAL_WRAPPER); \
	log=$(CURDIR)/.build/official-lua/last.log; \
	cd "$(LUA_OFFICIAL_TESTS)" && for limits in "" "$(LUA_OFFICIAL_LIMITS)"; do \
	  for run in "main.lua" "-e_U=true all.lua"; do \
	    for attempt in 1 2; do \
	      if env $$limits $(LUA_OFFICIAL_WRAPPER) $$run > $$log 2>&1 && \
	         { [ "$$run" = main.lua ] || grep -q "final OK" $$log; }; then \
	        echo "official Lua suite: $$run ($${limits:-default limits}): ok"; break; \
	      elif [ $$attempt = 1 ] && grep -q "testing Ctrl C" $$log && ! grep -q "^done (with" $$log; then \
	        echo "official Lua suite: $$run lost the race in main.lua's Ctrl-C test; once more:"; \
	      else \
	        tail -20 $$log; echo "official Lua suite: $$run ($${limits:-default limits}): FAILED"; exit 1; fi; \
	    done; \
	  done; \
	done

test-python: build
	cd bindings/python && SYSLAB_LIBRARY=$(CURDIR)/$(LIB) $(PYTHON) -m pytest -q tests

test-contract: build
	$(PYTHON) tools/check_exports.py Include/syslab.h $(LIB)
	SYSLAB_LIBRARY=$(CURDIR)/$(LIB) $(PYTHON) tools/catalogue_snapshot.py
	@if ldd $(LIB) | grep -q libswift; then echo "libsyslab.so links the Swift runtime dynamically"; exit 1; fi
	@echo "libsyslab.so is self-contained (no Swift runtime in ldd)"
	@$(MAKE) --no-print-directory check-docs

# `syslab serve` (docs/serve.md): routes against openapi/syslab-serve.yaml, a bounded
# schemathesis run, auth and hostile input over HTTP, and the load acceptance
# (10,000 control requests and 10,000 scrapes). Each test starts its own server.
test-serve: build
	SYSLAB_COMMAND=$(CURDIR)/$(CLI_BIN) SYSLAB_LIBRARY=$(CURDIR)/$(LIB) $(PYTHON) -m pytest -q -s Tests/serve

# The fleet's acceptance (docs/fleet.md): redis-server, `syslab serve` on it, two uvicorn
# workers, a C program and a syslab-lua script share one workspace; one POST switches them
# all, a TTL ends it everywhere, and a kill -9 of redis-server loses nothing acknowledged.
# Each run starts and stops its own servers; about 40 s.
test-fleet: build
	SYSLAB_BUILD=$(CURDIR)/$(RELEASE) SYSLAB_COMMAND=$(CURDIR)/$(CLI_BIN) $(PYTHON) -m pytest -q -s Tests/fleet

# The HTML report and the trace page in a real headless Chromium (Tests/browser): no console
# error or blocked load, light and dark, screenshots at 1280 and 390 px, DOM checks against
# the run's JSON and CSV. About a minute; BROWSER_SHOTS=dir keeps the screenshots.
test-browser: build
	SYSLAB_LIBRARY=$(CURDIR)/$(LIB) SYSLAB_BUILD=$(CURDIR)/$(RELEASE) $(PYTHON) -m pytest -q Tests/browser

test-readme: build
	SYSLAB_BUILD=$(CURDIR)/$(RELEASE) SYSLAB_COMMAND=$(CURDIR)/$(CLI_BIN) $(PYTHON) tools/run_readme_examples.py

# Installs into a scratch prefix, then builds the C example with pkg-config.
test-install: build
	@rm -rf .build/install-test && $(MAKE) --no-print-directory install PREFIX=$(CURDIR)/.build/install-test >/dev/null
	@if ldd .build/install-test/lib/libsyslab.so | grep -q libswift; then echo "installed library needs the Swift runtime"; exit 1; fi
	@if ldd .build/install-test/bin/syslab | grep -q libswift; then echo "installed syslab needs the Swift runtime"; exit 1; fi
	@PKG_CONFIG_PATH=.build/install-test/lib/pkgconfig; export PKG_CONFIG_PATH; \
	  $(CC) -std=c11 -Wall -Wextra -Werror bindings/c/example.c $$(pkg-config --cflags --libs syslab) -o .build/install-test/example && \
	  .build/install-test/example | grep -q "effects for GET /api/orders" && \
	  LUA_CPATH=".build/install-test/lib/lua/5.4/?.so" lua5.4 -e 'assert(require("syslab").registry())' && \
	  .build/install-test/bin/syslab serve --print-routes | grep -q '^GET /healthz$$' && \
	  echo "make install: pkg-config build, ldd, the Lua module link and the syslab command: ok"

# The Python wheel: dist/syslab-<version>-py3-none-<platform>.whl, with libsyslab.so and
# the liblua it links inside (staged under .build/wheel). test-wheel installs it into a
# fresh venv and runs README's Python example there, with no environment variables.
wheel: build
	@PYTHON=$(PYTHON) bindings/python/build_wheel.sh $(CURDIR)/$(LIB)

test-wheel: wheel
	@PYTHON=$(PYTHON) bindings/python/check_wheel.sh

# Thread-stress test of the decision hot path under ThreadSanitizer: libsyslab
# built with -sanitize=thread in its own scratch path, the C driver compiled by
# the Swift toolchain's clang, whose TSan runtime matches the instrumentation
# (gcc's libtsan lacks __tsan_memcpy; the toolchain's runtime needs libdispatch).
# STRESS_SECONDS=5 make test-tsan for a quick run.
TSAN_BUILD     := .build-tsan
STRESS_SECONDS ?= 30
SWIFT_USR      := $(shell dirname $$(dirname $$(readlink -f $$(command -v swiftc))))
test-tsan: deps
	$(SWIFT) build --sanitize=thread --scratch-path $(TSAN_BUILD) --product syslab
	@mkdir -p $(TSAN_BUILD)/stress
	$(SWIFT_USR)/bin/clang -std=c11 -g -O1 -fsanitize=thread -Wall -Wextra -Werror -IInclude \
	  Tests/stress/stress_decide.c -L$(TSAN_BUILD)/debug -lsyslab -L$(SWIFT_USR)/lib/swift/linux -ldispatch -lBlocksRuntime \
	  -Wl,-rpath,$(CURDIR)/$(TSAN_BUILD)/debug -Wl,-rpath,$(SWIFT_USR)/lib/swift/linux -lpthread \
	  -o $(TSAN_BUILD)/stress/stress_decide
	TSAN_OPTIONS="halt_on_error=1 exitcode=66" $(TSAN_BUILD)/stress/stress_decide $(STRESS_SECONDS)

snapshot: build
	SYSLAB_LIBRARY=$(CURDIR)/$(LIB) $(PYTHON) tools/catalogue_snapshot.py --write

install: build
	install -d $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/bin \
	           $(DESTDIR)$(PREFIX)/lib/lua/5.4
	install -m 644 Include/syslab.h $(DESTDIR)$(PREFIX)/include/syslab.h
	install -m 755 $(LIB) $(DESTDIR)$(PREFIX)/lib/libsyslab.so
	install -m 755 $(LUA_BIN) $(DESTDIR)$(PREFIX)/bin/syslab-lua
	install -m 755 $(CLI_BIN) $(DESTDIR)$(PREFIX)/bin/syslab
	# Debug symbols stay in the build tree; the installed files are about half the size.
	strip --strip-unneeded $(DESTDIR)$(PREFIX)/lib/libsyslab.so $(DESTDIR)$(PREFIX)/bin/syslab-lua $(DESTDIR)$(PREFIX)/bin/syslab
	ln -sf ../../libsyslab.so $(DESTDIR)$(PREFIX)/lib/lua/5.4/syslab.so
	sed -e 's|@PREFIX@|$(PREFIX)|g' bindings/c/syslab.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/syslab.pc
	@echo "installed libsyslab into $(DESTDIR)$(PREFIX)"

# Guided tutorials (docs/tutorials/README.md): every script under scripts/tutorials runs
# with --check (its page's claims asserted) and the numbers quoted in the pages must be
# the ones the runs produce; Tests/tutorials tests the framework itself on throwaway
# pages. `make tutorials` rewrites the numbers.
tutorials: build
	SYSLAB_LUA=$(CURDIR)/$(LUA_BIN) $(PYTHON) tools/tutorial_numbers.py --write

# The tutorials' pictures: the reports their scripts mark with t:picture, rendered by
# headless Chromium into docs/tutorials/<series>/images/ (committed).
tutorial-images: build
	SYSLAB_LUA=$(CURDIR)/$(LUA_BIN) PYTHON=$(PYTHON) tools/tutorial_images.sh

test-tutorials: build
	SYSLAB_LUA=$(CURDIR)/$(LUA_BIN) $(PYTHON) -m pytest -q Tests/tutorials
	SYSLAB_LUA=$(CURDIR)/$(LUA_BIN) $(PYTHON) tools/tutorial_numbers.py --check

# Regenerates docs/scenarios.md from the registry (make test fails when it is stale).
docs: build
	$(LUA_BIN) scripts/tools/gen-scenarios-doc.lua

check-docs: build
	$(LUA_BIN) scripts/tools/gen-scenarios-doc.lua --check

bench: build
	@set -e; for b in bench/*/run.sh; do echo "== $$b"; bash $$b; done

clean:
	rm -rf .build $(CONTROL_PLANE)/.build

# ---------------------------------------------------------------------------
# Fuzzing and sanitizers (Tests/fuzz, docs/hardening.md).
#   make test-fuzz-replay   every seed corpus and regression input, once, against the release library
#   make test-asan          the C and Lua suites against an AddressSanitizer + UndefinedBehaviorSanitizer build
#   make fuzz               each libFuzzer harness for FUZZ_SECONDS (default 600) on the sanitized build
FUZZ_HARNESSES := $(patsubst Tests/fuzz/fuzz_%.c,%,$(wildcard Tests/fuzz/fuzz_*.c))
FUZZ_SECONDS   ?= 600
ASAN_SCRATCH   := .build-asan
ASAN_DEBUG     := $(ASAN_SCRATCH)/debug
SAN_CC         := /opt/swift/usr/bin/clang
# Swift code gets AddressSanitizer; the C shim also gets UBSan (swiftc has no UBSan on Linux).
# Coverage instrumentation lets libFuzzer see inside libsyslab.so.
ASAN_FLAGS     := --scratch-path $(ASAN_SCRATCH) --sanitize address -Xswiftc -use-ld=lld \
                  -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp \
                  -Xcc -fsanitize=undefined -Xcc -fno-sanitize-recover=undefined \
                  -Xcc -fsanitize-coverage=inline-8bit-counters,pc-table,trace-cmp
SAN_CFLAGS     := -fuse-ld=lld -std=c11 -g -O1 -Wall -Wextra -Werror -IInclude -ITests/c -ITests/fuzz \
                  -fsanitize=address,undefined -fno-sanitize-recover=undefined

.PHONY: test-fuzz-replay asan-build test-asan fuzz

test-fuzz-replay: build
	@mkdir -p .build/fuzz-replay
	@set -e; for h in $(FUZZ_HARNESSES); do \
	  $(CC) $(CFLAGS_TEST) -ITests/fuzz Tests/fuzz/fuzz_$$h.c Tests/fuzz/replay_main.c -L$(RELEASE) -lsyslab \
	    -Wl,-rpath,$(CURDIR)/$(RELEASE) -o .build/fuzz-replay/$$h; \
	  timeout 300 .build/fuzz-replay/$$h Tests/fuzz/corpus/$$h $$(ls -d Tests/fuzz/regressions/$$h 2>/dev/null); \
	done

asan-build: deps
	$(SWIFT) build $(ASAN_FLAGS) --product syslab
	$(SAN_CC) $(SAN_CFLAGS) -ISources/CLuaShim/include $$(pkg-config --cflags lua5.4) \
	  Sources/SyslabLuaCLI/main.c Sources/CLuaShim/shim.c $$(pkg-config --libs lua5.4) -ldl -o $(ASAN_DEBUG)/syslab-lua

test-asan: asan-build
	@mkdir -p $(ASAN_SCRATCH)/ctests
	@set -e; for t in $(C_TESTS); do \
	  exe=$(ASAN_SCRATCH)/ctests/$$(basename $$t .c); \
	  $(SAN_CC) $(SAN_CFLAGS) $$t -L$(ASAN_DEBUG) -lsyslab -Wl,-rpath,$(CURDIR)/$(ASAN_DEBUG) -lpthread -lm -o $$exe; \
	  ASAN_OPTIONS=detect_leaks=0 $$exe; \
	done
	@# test_fidelity checks statistics over millions of simulated requests: too slow here, and no memory safety to add.
	@set -e; for t in $(filter-out Tests/lua/test_fidelity.lua,$(LUA_TESTS)); do \
	  echo "lua (asan): $$t"; ASAN_OPTIONS=detect_leaks=0 SYSLAB_BUILD=$(ASAN_DEBUG) $(ASAN_DEBUG)/syslab-lua $$t; \
	done
	@echo "ASan/UBSan: C and Lua suites clean"

fuzz: asan-build
	@SAN_CC=$(SAN_CC) SAN_CFLAGS="$(SAN_CFLAGS)" LIB_DIR=$(ASAN_DEBUG) OUT=$(ASAN_SCRATCH)/fuzz \
	  bash tools/run-fuzz.sh $(FUZZ_SECONDS) $(FUZZ_HARNESSES)

# ---------------------------------------------------------------------------
# Observability (docs/observability.md): Grafana dashboards generated from the
# catalogue's metric specs, and Prometheus alerting rules.
#   make dashboards           regenerate observability/dashboards/*.json (committed)
#   make test-observability   dashboards current and valid, PromQL parses, rules checked and unit-tested,
#                             every expression answered by a live Prometheus scraping `syslab serve`, and
#                             the load-test rules tested against a simulated run (Tests/observability)
.PHONY: dashboards test-observability

dashboards: build
	SYSLAB_LIBRARY=$(CURDIR)/$(LIB) $(PYTHON) tools/gen_dashboards.py

test-observability: build
	SYSLAB_LIBRARY=$(CURDIR)/$(LIB) $(PYTHON) tools/check_observability.py
	SYSLAB_LIBRARY=$(CURDIR)/$(LIB) $(PYTHON) -m pytest -q Tests/observability
	promtool check rules observability/syslab-rules.yml observability/loadtest-rules.yml
	cd observability && promtool test rules syslab-rules.test.yml
	SYSLAB_LIBRARY=$(CURDIR)/$(LIB) SYSLAB_BUILD=$(CURDIR)/$(RELEASE) SYSLAB_COMMAND=$(CURDIR)/$(CLI_BIN) \
	  $(PYTHON) tools/check_observability_live.py
