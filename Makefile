# Two commands set everything up: `make run` and `make test`. Each creates .venv when it is missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test install clean

run: $(STAMP)
	$(BIN)/mirmine run corpus/ --out output/

test: $(STAMP)
	$(BIN)/python -m pytest -q

install: $(STAMP)

# Reinstall when the dependency list changes; the package itself is editable.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

clean:
	rm -rf $(VENV) output/*.tsv output/*.json
