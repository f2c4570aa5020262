# The README's two commands: `make serve` (set up, run the example site in the sandbox)
# and `make test` (set up, install Chromium for the browser tests, run everything).
VENV    ?= .venv
PYTHON  ?= python3
BIN     := $(VENV)/bin
ADDR    ?= 127.0.0.1:8000

.PHONY: setup serve build check test chromium bench clean

$(BIN)/folio: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

setup: $(BIN)/folio

# The whole purchase journey on 127.0.0.1 (site, gate, S3, Stripe stand-in, mail page); no accounts.
serve: setup
	$(BIN)/folio serve --sandbox --dev-addr $(ADDR)

build: setup
	$(BIN)/folio build

check: setup
	$(BIN)/folio check

# Browser tests drive Debian's Chromium (never a downloaded browser build); Noto CJK lets its
# screenshots show Chinese pages with the site's system font stack.
# epubcheck (Debian's package) checks the EPUBs the build writes (tests/gated/test_epubcheck.py).
chromium:
	@{ command -v chromium >/dev/null 2>&1 && command -v epubcheck >/dev/null 2>&1 && [ -d /usr/share/fonts/opentype/noto ]; } || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium epubcheck fonts-noto-cjk; }

test: setup chromium
	$(BIN)/pytest -n 2 -q

bench: setup
	$(BIN)/python benchmarks/bench_build.py
	$(BIN)/python benchmarks/bench_publish.py
	$(BIN)/python benchmarks/bench_leaderboard.py
	$(BIN)/python benchmarks/bench_gated.py
	$(BIN)/python benchmarks/bench_gate.py
	$(BIN)/python benchmarks/bench_leakguard.py

clean:
	rm -rf site .folio-cache .pytest_cache benchmarks/results
	find gated -mindepth 1 ! -name README.md -delete
