# boxtop: `make run` starts it on the local daemon, `make test` runs every test.
GO        ?= go
BIN       := bin/boxtop
PKGS      := ./...
TESTFLAGS ?=

.PHONY: demo demo-check demo-record all build run test test-unit e2e bench bench-go bench-terminal bench-clean lint fuzz docker-up podman-up test-deps clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/boxtop

# Starts the daemon when it is not running, then boxtop on it.
run: docker-up build
	./$(BIN) $(ARGS)

# Unit, fuzz-seed, golden and integration tests. Integration tests skip without a daemon unless
# BOXTOP_REQUIRE_DOCKER=1 (as in CI), so `make test` on a fresh machine starts the daemon first.
# The test that restarts the daemon runs alone afterwards: packages run in parallel, and the
# others' containers would die under them.
test: docker-up test-deps
	BOXTOP_SKIP_DAEMON_RESTART=1 $(GO) test $(TESTFLAGS) -count=1 -timeout 9m $(PKGS)
	$(GO) test $(TESTFLAGS) -count=1 -timeout 5m -run 'TestZZDaemonRestart' ./integration/

# The same without touching the daemon: what runs anywhere.
test-unit:
	$(GO) test $(TESTFLAGS) -count=1 -short $(PKGS)

# The real terminal and SSH tests alone (they also run in `make test`).
e2e: docker-up test-deps
	$(GO) test -count=1 -timeout 5m ./e2e/

# What watching costs, boxtop against docker stats on the real daemon (about 45 minutes; the
# harness is bench/, its results docs/benchmarks.md). `go run ./bench -quick` checks it in one.
bench: docker-up test-deps
	$(GO) run ./bench

bench-clean:
	$(GO) run ./bench -clean

# The Go benchmarks: collection rounds over fixture trees and the live daemon, rendering,
# recording, parsing.
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem $$($(GO) list ./... | grep -v /e2e)

# Bytes written to the terminal per minute, boxtop against docker stats, 50 idle containers.
bench-terminal: docker-up test-deps
	$(GO) test -run '^$$' -bench TerminalBytes -benchtime 1x -v ./e2e/

# Runs each fuzz target for FUZZTIME (default 10s).
FUZZTIME ?= 10s
fuzz:
	@for pkg in $$($(GO) list ./collectors/...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "fuzz $$pkg $$f"; \
			$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

docker-up:
	@bash scripts/docker-up.sh

# Podman's Docker-compatible API, for the tests that put a Podman container beside Docker's.
podman-up:
	@bash scripts/podman-up.sh

test-deps:
	@bash scripts/test-deps.sh

# demo.tape replays testdata/demo.bxr: no engine needed to render it.
VHS ?= $(shell command -v vhs 2>/dev/null || echo $$(go env GOPATH)/bin/vhs)
demo: build
	@if [ ! -x "$(VHS)" ]; then \
		echo "vhs is not installed: go install github.com/charmbracelet/vhs@v0.10.0 (rendering also needs ttyd and ffmpeg)"; exit 1; fi
	PATH="$(CURDIR)/bin:$$PATH" $(VHS) demo.tape

# What CI checks of the demo: the tape parses, and the recording replays (TestDemoRecording).
demo-check:
	@[ -x "$(VHS)" ] || $(GO) install github.com/charmbracelet/vhs@v0.10.0
	$(VHS) validate demo.tape
	$(GO) test -count=1 -run TestDemoRecording ./cmd/boxtop/

# Records testdata/demo.bxr again on the local daemon (about a minute).
demo-record: docker-up
	bash scripts/record-demo.sh testdata/demo.bxr

clean:
	rm -rf bin
