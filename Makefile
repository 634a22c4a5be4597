# The two commands of the README:
#   make book  [DATA=folder] [OUT=folder]   build the HTML book
#   make test                               run every test (lint, import layers, pytest)
# and, with Chromium installed (apt-get install chromium):
#   make pdf   [DATA=folder] [OUT=folder]   the book, and the whole book as OUT/book.pdf
# PYTHON chooses the interpreter of the virtual environment (3.11): make book PYTHON=python3.11
# Both create the virtual environment from requirements.txt when needed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DATA   ?= data/synthetic
OUT    ?= _build
SEED   ?= 20210415
STAMP  := $(VENV)/.installed

.PHONY: book pdf test lint format notebooks synthesize bench validate clean

$(STAMP): requirements.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-r requirements.txt -c constraints.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/python -m ucmsc_repro build --data "$(DATA)" --out "$(OUT)"

# The HTML book (reused from OUT's cache when nothing changed), then it as one
# page printed by headless Chromium to OUT/book.pdf.
pdf: $(STAMP)
	$(BIN)/python -m ucmsc_repro build --data "$(DATA)" --out "$(OUT)" --pdf

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

validate: $(STAMP)
	$(BIN)/python -m ucmsc_repro validate "$(DATA)"

# Re-execute the committed notebooks on the default data (their outputs are
# what the nbval tests compare against).
notebooks: $(STAMP)
	$(BIN)/python -m ucmsc_repro refresh-notebooks

# Regenerate the committed synthetic cohort.
synthesize: $(STAMP)
	$(BIN)/python -m ucmsc_repro synthesize --out data/synthetic --seed $(SEED)

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_build.py

lint: $(STAMP)
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/ruff format .

clean:
	rm -rf $(OUT) .pytest_cache .ruff_cache
