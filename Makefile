# cfimages: `make run` and `make test` install what is missing, build, and go.
SHELL := /bin/bash
SWIFT ?= swift
CONFIG ?= debug
# Release builds link the Swift runtime and Foundation statically (no shared Swift libraries to load and relocate)
# with lld packing the relative relocations (DT_RELR, glibc >= 2.36): idle RSS 37 -> 29 MB. Benchmarks/run.sh and
# the Dockerfile use the same flags.
RELEASE_FLAGS = --static-swift-stdlib -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs
BUILD_FLAGS = -c $(CONFIG) $(if $(filter release,$(CONFIG)),$(RELEASE_FLAGS))
BIN = $(shell $(SWIFT) build $(BUILD_FLAGS) --show-bin-path 2>/dev/null)/cfimages

# Debian packages and the file each one provides; a missing file means a missing package (curl's headers are
# under the multiarch folder on Debian 12).
SYSTEM_PACKAGES = \
	/usr/include/$(shell gcc -print-multiarch 2>/dev/null)/curl/curl.h:libcurl4-openssl-dev \
	/usr/include/sqlite3.h:libsqlite3-dev \
	/usr/include/openssl/hmac.h:libssl-dev \
	/usr/include/postgresql/libpq-fe.h:libpq-dev \
	$(firstword $(wildcard /usr/lib/postgresql/*/bin/initdb) /usr/lib/postgresql/15/bin/initdb):postgresql \
	/usr/bin/pkg-config:pkg-config

.PHONY: deps build run test bench clean openapi fuzz crash-test events-crash-test crash-test-postgresql

# $(call pinned-venv,VENV,PACKAGES): VENV with pip's PACKAGES (each `name==version`), made again unless every one is
# installed at its version; where that fails (no python3-venv or no PyPI) a warning, and VENV is left absent.
pinned-venv = $(1)/bin/python -c 'import sys, importlib.metadata as m; \
	sys.exit(any(m.version(n) != v for n, v in (p.split("==") for p in sys.argv[1:])))' $(2) 2>/dev/null \
	|| { rm -rf $(1) && python3 -m venv $(1) && $(1)/bin/pip install --quiet --disable-pip-version-check $(2); } \
	|| { rm -rf $(1); echo "warning: could not install $(2) into $(1) (needs python3-venv and PyPI)"; }
# $(call in-venv,VENV,WHAT,COMMAND): COMMAND when VENV exists; without it an error under CI, a warning elsewhere.
in-venv = if [ -x $(1)/bin/python ]; then $(3); \
	elif [ -n "$$CI" ]; then echo "error: $(2) cannot run without $(1)"; exit 1; \
	else echo "warning: skipping $(2)"; fi

deps:
	@missing=""; \
	for pair in $(SYSTEM_PACKAGES); do \
		file=$${pair%%:*}; pkg=$${pair##*:}; \
		[ -e "$$file" ] || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "Installing:$$missing"; \
		sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo"; \
		$$sudo apt-get update && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y --no-install-recommends $$missing; \
	fi

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

run: build
	$(BIN) serve

test: export CFIMAGES_EXCHANGE_LOG = $(CURDIR)/.build/api-exchanges.jsonl
DEADLINE_SUITE = UpstreamFaultTests
# Swift Testing starts every test at once by default: on two cores ~780 tests then held ~2,500 threads (each store's
# workers, servers, clients) and starved one another for 20-40 s, so loopback calls missed their deadlines. Sixteen
# at a time ran the suite faster (87 s against 107 s) and with no such failure.
test: export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH ?= 16
test: deps format-check sdk-check example console-test
	@# openapi.yaml is checked by openapi-spec-validator (PyPI) from this venv; the Swift test fails without it when CI is set.
	@[ -x .venv-openapi/bin/openapi-spec-validator ] \
		|| { python3 -m venv .venv-openapi && .venv-openapi/bin/pip install --quiet --disable-pip-version-check openapi-spec-validator; } \
		|| echo "warning: could not install openapi-spec-validator into .venv-openapi (needs python3-venv and PyPI)"
	@# The export round trip loads our export into the real reference package, from .venv-django (PyPI).
	@python3 scripts/django-reference/roundtrip.py --help > /dev/null 2>&1 \
		|| echo "warning: could not create .venv-django (needs python3-venv and PyPI): the Django round trip is skipped"
	$(SWIFT) build --build-tests
	@# Swift Testing's summary is echoed as a plain "N passed, N failed" line (XCTest's "Executed 0 tests" comes first).
	@# The PostgreSQL variants run against a throwaway cluster (scripts/postgres-test-cluster.sh), removed afterwards:
	@# the repository suite is parameterised over both backends; the API suite runs a second time on PostgreSQL.
	@# Last in the cluster, since it restarts PostgreSQL: two instances on one database (scripts/two-instances-test.py).
	@# The deadline suite ($(DEADLINE_SUITE)) runs alone after the parallel run on each backend: its bounds are the
	@# service's call deadline plus 2 s, and sixteen other tests on two cores once held one of its requests 5.7 s past.
	@rm -f $(CFIMAGES_EXCHANGE_LOG)
	@scripts/postgres-test-cluster.sh run -- bash -o pipefail -c '$(SWIFT) test --skip $(DEADLINE_SUITE) 2>&1 \
		| tee .build/test-output.log \
		&& $(SWIFT) test --skip-build --filter $(DEADLINE_SUITE) 2>&1 | tee .build/test-output-deadlines.log \
		&& CFIMAGES_TEST_API_BACKEND=postgresql $(SWIFT) test --skip-build --filter ImagesAPITests \
		--skip $(DEADLINE_SUITE) 2>&1 | tee .build/test-output-postgresql-api.log \
		&& CFIMAGES_TEST_API_BACKEND=postgresql $(SWIFT) test --skip-build --filter $(DEADLINE_SUITE) 2>&1 \
		| tee .build/test-output-postgresql-deadlines.log \
		&& python3 scripts/two-instances-test.py --binary "$$($(SWIFT) build --show-bin-path)/cfimages"'
	@for run in "test-output:" "test-output-deadlines:deadline suite alone: " \
		"test-output-postgresql-api:API suite on PostgreSQL: " "test-output-postgresql-deadlines:deadline suite on PostgreSQL: "; do \
		sed -nE "s/.*Test run with ([0-9]+) tests? in [0-9]+ suites? passed.*/$${run#*:}\1 passed, 0 failed/p" \
			.build/$${run%%:*}.log | tail -n 1; done
	@# SIGKILL of serve between a change and its event's delivery (after the suites, whose timing it would disturb).
	python3 scripts/events-crash-test.py --binary $(shell $(SWIFT) build --show-bin-path)/cfimages
	@$(MAKE) --no-print-directory openapi-conformance

# openapi.yaml is exact (#17), two ways, both with openapi-core and schemathesis (PyPI, pinned) from .venv-conformance,
# made once (again when a pin changes); without PyPI both are skipped with a warning, except under CI, where they fail.
# - openapi-exchanges-check: every exchange the API tests made (the log `make test` has `swift test` write, see
#   Tests/ImagesAPITests/ExchangeLog.swift) validated against the document (scripts/openapi-conformance/
#   check_exchanges.py states the rules). `make openapi-exchanges` runs the API tests for it on their own.
# - openapi-fuzz: schemathesis generates requests from the document (OPENAPI_FUZZ_EXAMPLES per operation, seed
#   OPENAPI_FUZZ_SEED, every check) against a real `cfimages serve` on a loopback port with a temp database and the
#   embedded emulator (scripts/openapi-conformance/fuzz.py); any mismatch fails.
CONFORMANCE_VENV = .venv-conformance
SCHEMATHESIS_VERSION = 4.32.5
OPENAPI_CORE_VERSION = 0.23.1
OPENAPI_FUZZ_EXAMPLES ?= 25
OPENAPI_FUZZ_SEED ?= 17
EXCHANGE_LOG = $(CURDIR)/.build/api-exchanges.jsonl
# The code follows .swift-format: `make format` applies it, `make test` fails on any finding (swift-format comes with
# the Swift toolchain; without it the check is skipped with a warning, except under CI).
FORMATTED = Sources Tests Package.swift Examples/UploadAndDeliver Fuzz/Package.swift Fuzz/Sources
.PHONY: format format-check
format:
	$(SWIFT) format format --in-place --recursive --parallel $(FORMATTED)

format-check:
	@if $(SWIFT) format --version > /dev/null 2>&1; then \
		$(SWIFT) format lint --strict --recursive --parallel $(FORMATTED) \
			|| { echo "error: the code does not follow .swift-format (run make format)"; exit 1; }; \
	elif [ -n "$$CI" ]; then echo "error: swift format is missing"; exit 1; \
	else echo "warning: swift format is missing: the format check is skipped"; fi

.PHONY: conformance-venv openapi-conformance openapi-exchanges openapi-exchanges-check openapi-fuzz
conformance-venv:
	@$(call pinned-venv,$(CONFORMANCE_VENV),schemathesis==$(SCHEMATHESIS_VERSION) openapi-core==$(OPENAPI_CORE_VERSION))

openapi-conformance: openapi-exchanges-check openapi-fuzz

openapi-exchanges-check: conformance-venv
	@$(call in-venv,$(CONFORMANCE_VENV),the exchange check,$(CONFORMANCE_VENV)/bin/python scripts/openapi-conformance/check_exchanges.py $(EXCHANGE_LOG))

openapi-exchanges: deps
	$(SWIFT) build --build-tests
	rm -f $(EXCHANGE_LOG)
	CFIMAGES_EXCHANGE_LOG=$(EXCHANGE_LOG) $(SWIFT) test --skip-build --filter ImagesAPITests
	@$(MAKE) --no-print-directory openapi-exchanges-check

openapi-fuzz: deps conformance-venv
	@$(call in-venv,$(CONFORMANCE_VENV),the OpenAPI fuzz test,$(SWIFT) build $(BUILD_FLAGS) --product cfimages \
		&& $(CONFORMANCE_VENV)/bin/python scripts/openapi-conformance/fuzz.py --binary $(BIN) \
			--schemathesis $(CONFORMANCE_VENV)/bin/schemathesis --max-examples $(OPENAPI_FUZZ_EXAMPLES) --seed $(OPENAPI_FUZZ_SEED))

# Cloudflare's official Python SDK (pinned) against a standalone `cfimages emulator`: Tests/SDK/emulator_sdk_check.py.
# The venv is made once (again only when the pinned version changes); without PyPI the check is skipped with a
# warning, except under CI, where it fails.
SDK_VENV = .venv-sdk
CLOUDFLARE_SDK_VERSION = 5.9.0
.PHONY: sdk-check
sdk-check: deps
	@$(call pinned-venv,$(SDK_VENV),cloudflare==$(CLOUDFLARE_SDK_VERSION))
	@$(call in-venv,$(SDK_VENV),the SDK check,$(SWIFT) build $(BUILD_FLAGS) --product cfimages \
		&& $(SDK_VENV)/bin/python Tests/SDK/emulator_sdk_check.py --binary $(BIN))

# The web console and the upload widget in headless Chromium (Debian's chromium + chromium-driver, installed when
# missing) driven by Selenium (PyPI, pinned, in .venv-browser): Tests/Browser/console_browser_test.py against the
# real `cfimages serve` with the embedded emulator. Screenshots of every page go to .build/screenshots/.
BROWSER_VENV = .venv-browser
SELENIUM_VERSION = 4.38.0
.PHONY: console-test
console-test: deps
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	[ -x /usr/bin/chromedriver ] || missing="$$missing chromium-driver"; \
	if [ -n "$$missing" ]; then \
		echo "Installing:$$missing"; \
		sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo"; \
		$$sudo apt-get update && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y --no-install-recommends $$missing; \
	fi
	@$(call pinned-venv,$(BROWSER_VENV),selenium==$(SELENIUM_VERSION))
	$(SWIFT) build $(BUILD_FLAGS) --product cfimages
	$(BROWSER_VENV)/bin/python Tests/Browser/console_browser_test.py --binary $(BIN) --screenshots .build/screenshots

# Examples/UploadAndDeliver, an app that uses the CloudflareImages library by path (its own package, built into
# .build-example), run against a standalone `cfimages emulator` on a free port; the script bounds every wait and
# stops the emulator however it ends.
.PHONY: example
example: deps
	$(SWIFT) build --package-path Examples/UploadAndDeliver --scratch-path .build-example
	$(SWIFT) build $(BUILD_FLAGS) --product cfimages
	Examples/UploadAndDeliver/run-against-emulator.sh $(BIN) \
		"$$($(SWIFT) build --package-path Examples/UploadAndDeliver --scratch-path .build-example --show-bin-path)/UploadAndDeliver"

# Not part of `make test`: release builds of cfimages and its peers, then every scenario; table in bench-results/.
bench: deps
	SWIFT=$(SWIFT) RELEASE_FLAGS="$(RELEASE_FLAGS)" Benchmarks/run.sh

# Not part of `make test`: a release `cfimages serve` under wrk for a warm-up plus 60 s (scripts/soak.sh tells the rules).
.PHONY: soak
soak: deps
	SWIFT=$(SWIFT) RELEASE_FLAGS="$(RELEASE_FLAGS)" scripts/soak.sh

# Regenerates the compiled-in copy of openapi.yaml (OpenAPITests fails while the two differ).
openapi:
	{ printf '// swift-format-ignore-file\n// Generated from openapi.yaml by `make openapi`; do not edit.\n\nextension OpenAPIDocument {\n    static let yaml = #"""\n'; \
	  cat openapi.yaml; printf '\n"""#\n}\n'; } > Sources/ImagesAPI/OpenAPI/OpenAPIDocument+YAML.swift

# libFuzzer targets under Fuzz/ (own package, built into .build-fuzz): FUZZ_SECONDS per target (default 60).
fuzz: deps
	Fuzz/run-fuzz.sh

# SIGKILLs `cfimages serve` under upload-url/webhook/delete load and checks the database after every restart.
crash-test: build
	python3 scripts/crash-test.py --binary $(BIN)

# SIGKILL of serve between a change and its event delivery; the event arrives after the restart.
events-crash-test: build
	python3 scripts/events-crash-test.py --binary $(BIN)

# Two instances on one throwaway PostgreSQL: SIGKILLs of one under load and a PostgreSQL restart (make test runs it
# with 3 kills; KILLS sets how many).
KILLS ?= 10
crash-test-postgresql: build
	scripts/postgres-test-cluster.sh run -- python3 scripts/two-instances-test.py --binary $(BIN) --kills $(KILLS)

clean:
	rm -rf .build .build-* .build_*

# Not part of `make test`: regenerates Tests/Fixtures/django with the real django-cloudflareimages-toolkit 1.1.6
# (pinned by scripts/django-reference/requirements.txt in .venv-django; needs python3-venv and PyPI the first time).
.PHONY: django-fixture
django-fixture:
	python3 scripts/django-reference/make_fixture.py

# Not part of `make test` (the first run installs the pinned Django stack, ~30 s): creates .venv-django as
# make_fixture.py does (scripts/django-reference/_bootstrap.py), then runs the Django transfer tests, whose round trip
# loads a `cfimages export-django` file into django-cloudflareimages-toolkit 1.1.6 and compares (roundtrip.py).
# `make test` runs the same tests and skips only the round trip when the venv is missing.
.PHONY: django-roundtrip
django-roundtrip: deps
	python3 scripts/django-reference/roundtrip.py --help > /dev/null
	$(SWIFT) build --build-tests
	CFIMAGES_REQUIRE_DJANGO_VENV=1 $(SWIFT) test --skip-build --filter 'Django'
