# doc2client: `make generate` then `make test`. Every target sets up .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# What to generate and where: [tool.doc2client] in pyproject.toml (specs/ into generated/).

.PHONY: generate test check bench fuzz clean chromium

# pip's and the build backend's chatter goes to .venv/install.log, shown only when it fails.
$(STAMP): pyproject.toml
	@echo "setting up $(VENV) (first run only: about a minute; log in $(VENV)/install.log)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --upgrade pip > $(VENV)/install.log 2>&1 \
	  && $(BIN)/python -m pip install -e '.[dev]' >> $(VENV)/install.log 2>&1 \
	  || (tail -n 40 $(VENV)/install.log; exit 1)
	@touch $(STAMP)

generate: $(STAMP)
	$(BIN)/doc2client generate

# The suite in two tiers (the `corpus` marker, tests/conftest.py): `make test` runs every test
# on the repository's own inputs; `make check` runs the corpus tier, the round trips and proofs
# over ../shared/corpus (DOC2CLIENT_CORPUS). CI (.ci/run) runs both.
PYTEST := $(BIN)/python -m pytest -n 2 --dist loadgroup --no-loadscope-reorder -q

test: $(STAMP)
	$(PYTEST) -m "not corpus"

# Headless Chromium for tests/test_browser_docs.py (Debian's package), installed only when missing.
chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium) \
	  || echo "warning: chromium could not be installed; the browser docs test will skip"

check: $(STAMP) chromium
	$(BIN)/ruff check generator tests bench
	$(BIN)/mypy
	$(BIN)/doc2client generate --check
	$(PYTEST) -m corpus

bench: $(STAMP)
	$(BIN)/python -m bench

fuzz: $(STAMP)
	DOC2CLIENT_FUZZ=long $(BIN)/python -m pytest -q -m fuzz -p no:xdist

clean:
	rm -rf $(VENV) .bench-venv .doc2client-cache .pytest_cache .mypy_cache .ruff_cache .hypothesis build *.egg-info
