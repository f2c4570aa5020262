# The README's two commands: `make serve` (set up what the sandbox needs, run the example site
# in it) and `make test` (set up the development tools, install Chromium, run everything).
VENV    ?= .venv
PYTHON  ?= python3
BIN     := $(VENV)/bin
ADDR    ?= 127.0.0.1:8000
PIP     := $(BIN)/pip install --quiet --disable-pip-version-check

.PHONY: setup serve build check test chromium docs bench clean fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# One stamp per extra, so `make serve` never installs the browser-test tooling (about 830 MB)
# and `make test` adds it when it is first needed; both redo it when pyproject.toml changes.
$(VENV)/.installed-%: pyproject.toml | $(BIN)/python
	$(PIP) -e '.[$*]'
	@touch $@

setup: $(VENV)/.installed-dev

# The whole purchase journey on 127.0.0.1 (site, gate, S3, Stripe stand-in, mail page); no accounts.
# Port taken? It names a free one: make serve ADDR=127.0.0.1:8001
serve: $(VENV)/.installed-sandbox
	$(BIN)/folio serve --sandbox --dev-addr $(ADDR)

build: $(VENV)/.installed-sandbox
	$(BIN)/folio build

check: $(VENV)/.installed-sandbox
	$(BIN)/folio check

# Folio's own documentation (docs/), strict: a broken link or a missing page fails it.
docs: $(VENV)/.installed-docs
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict -f docs/mkdocs.yml

# Browser tests drive Debian's Chromium (never a downloaded browser build); Noto CJK lets its
# screenshots show Chinese pages with the site's system font stack. epubcheck (Debian's package)
# checks the EPUBs the build writes (tests/gated/test_epubcheck.py). redis-server: the gate's
# tests run `folio gate --workers 2` on a real shared store (tests/gate/test_gate_command.py).
chromium:
	@{ command -v chromium >/dev/null 2>&1 && command -v epubcheck >/dev/null 2>&1 && command -v redis-server >/dev/null 2>&1 && [ -d /usr/share/fonts/opentype/noto ]; } || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium epubcheck fonts-noto-cjk redis-server; }

test: $(VENV)/.installed-dev chromium
	$(BIN)/pytest -n 2 -q

# The property tests (tests/properties/) with many random examples instead of the suite's few
# fixed ones: `make fuzz EXAMPLES=5000`. Everything pytest and Hypothesis print (statistics, and a
# shrunk falsifying example for each failure) goes to $(FUZZ_REPORT); each failure found becomes a
# plain regression test in tests/properties/test_regressions.py.
EXAMPLES    ?= 1000
FUZZ_REPORT ?= fuzz-report.txt
fuzz: $(VENV)/.installed-dev
	@echo "make fuzz: $(EXAMPLES) examples per property, started $$(date -u +%FT%TZ)" > $(FUZZ_REPORT)
	@rm -f $(FUZZ_REPORT).examples; start=$$(date +%s); FOLIO_FUZZ_EXAMPLES=$(EXAMPLES) \
	  FOLIO_FUZZ_LOG=$(FUZZ_REPORT).examples $(BIN)/pytest tests/properties -p no:cacheprovider -q \
	  --hypothesis-show-statistics >> $(FUZZ_REPORT) 2>&1; status=$$?; \
	  echo "finished $$(date -u +%FT%TZ) after $$(( $$(date +%s) - start )) s, exit status $$status;" \
	    "examples run: $$(wc -l < $(FUZZ_REPORT).examples), failed: $$(grep -c failed $(FUZZ_REPORT).examples)" >> $(FUZZ_REPORT); \
	  tail -n 25 $(FUZZ_REPORT); exit $$status

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/bench_build.py
	$(BIN)/python benchmarks/bench_publish.py
	$(BIN)/python benchmarks/bench_leaderboard.py
	$(BIN)/python benchmarks/bench_gated.py
	$(BIN)/python benchmarks/bench_gate.py
	$(BIN)/python benchmarks/bench_leakguard.py

clean:
	rm -rf site .folio-cache .pytest_cache benchmarks/results fuzz-report.txt fuzz-report.txt.examples
	find gated -mindepth 1 ! -name README.md -delete
