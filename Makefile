# A thin alias for run.py, for those who have `make`: the README's two commands are `python run.py lab`
# (set up and open the course) and `python run.py test` (set up and run every test). run.py builds a
# private virtual environment in .venv from the pinned locks, so nothing is installed outside this folder.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED_DATA ?= ../shared/data
LAB_PORT ?= 8888
LAB_FLAGS ?=
PYTEST_FLAGS ?=

.PHONY: lab test bench bench-browser bench-hub setup data readme outputs assign lock clean

## make lab: install the course and open it in JupyterLab (loopback only; the URL with its token is printed)
lab:
	$(PYTHON) run.py lab --port $(LAB_PORT) $(if $(LAB_FLAGS),-- $(LAB_FLAGS))

## make test: install what the tests need and run every test (unit tests + strict nbval on the notebooks)
test:
	$(PYTHON) run.py test $(PYTEST_FLAGS)

## make bench: print performance figures (first cell and slowest other cell per lesson in a fresh kernel,
## strict nbval over every notebook, checks, widgets, grading); bench-browser and bench-hub add
## JupyterLab in Chromium and a JupyterHub class (minutes each)
bench bench-browser bench-hub:
	$(PYTHON) run.py $@

setup:
	$(PYTHON) run.py setup --test

## make data: re-derive data/ tables from the raw files in ../shared/data
data: setup
	$(BIN)/python tools/derive.py --shared $(SHARED_DATA) --out data

## make readme: refresh the README's lesson table from course.yml
readme: setup
	$(BIN)/ceasefire readme

## make outputs: re-execute notebooks and store their outputs for strict nbval (widget state stripped)
outputs: setup
	$(BIN)/ceasefire notebooks refresh $(NOTEBOOKS)

## make assign: regenerate exercises/ and the hashed keys from solutions/, with fresh outputs
assign: setup
	$(BIN)/ceasefire assign

## make lock: re-resolve requirements/*.in into the locks and environment.yml (needs the registry)
lock:
	$(PYTHON) tools/lock.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
