# The two commands a person needs are `make lab` (set up and open the course) and `make test`
# (set up and run every test). Both build a private virtual environment in .venv from the pinned
# locks, so nothing is installed outside this folder.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED_DATA ?= ../shared/data
LAB_PORT ?= 8888
LAB_FLAGS ?=
# Jupyter refuses to run as root unless told; containers and CI machines often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
PYTEST_FLAGS ?=
JOBS ?= 2

.PHONY: lab test bench bench-browser bench-hub data readme outputs assign lock check-python clean

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
	  { echo "This course needs Python 3.11 or newer; '$(PYTHON)' is older. Try: make PYTHON=python3.11 ..."; exit 1; }

# The stamp files make re-runs instant until a lock file or pyproject.toml changes.
$(VENV)/.course-installed: requirements/course.lock pyproject.toml | check-python
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/course.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(VENV)/.test-installed: $(VENV)/.course-installed requirements/test.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/course.lock -r requirements/test.lock
	touch $@

## make lab: install the course and open it in JupyterLab (loopback only; the URL with its token is printed)
lab: $(VENV)/.course-installed
	@token=$$($(BIN)/python -c 'import secrets; print(secrets.token_hex(24))'); \
	echo ""; \
	echo "  The course opens at  http://127.0.0.1:$(LAB_PORT)/lab/tree/lessons/00-start-here.ipynb?token=$$token"; \
	echo "  (if no browser window appears, copy that address into your browser; stop the server with Ctrl+C)"; \
	echo ""; \
	exec $(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(LAB_PORT) --ServerApp.port_retries=0 \
	  --IdentityProvider.token=$$token --ServerApp.root_dir="$(CURDIR)" $(ROOT_FLAG) $(LAB_FLAGS) \
	  lessons/00-start-here.ipynb

## make test: install what the tests need and run every test (unit tests + strict nbval on the notebooks)
test: $(VENV)/.test-installed
	$(BIN)/python -m pytest -n $(JOBS) --dist loadfile $(PYTEST_FLAGS)

## make bench: print performance figures (notebooks, checks, widgets, grading); bench-browser and
## bench-hub add JupyterLab in Chromium and a JupyterHub class (minutes each)
bench: $(VENV)/.test-installed
	$(BIN)/python bench/run.py

bench-browser: $(VENV)/.test-installed
	$(BIN)/python bench/browser.py

bench-hub: $(VENV)/.test-installed
	$(BIN)/python bench/hub.py

## make data: re-derive data/ tables from the raw files in ../shared/data
data: $(VENV)/.course-installed
	$(BIN)/python -m ceasefire.derive --shared $(SHARED_DATA) --out data

## make readme: refresh the README's lesson table from course.yml
readme: $(VENV)/.course-installed
	$(BIN)/ceasefire readme

## make outputs: re-execute notebooks and store their outputs for strict nbval (widget state stripped)
outputs: $(VENV)/.course-installed
	$(BIN)/ceasefire notebooks refresh $(NOTEBOOKS)

## make assign: regenerate exercises/ and the hashed keys from solutions/, with fresh outputs
assign: $(VENV)/.course-installed
	$(BIN)/ceasefire assign

## make lock: re-resolve requirements/*.in into the locks and environment.yml (needs the registry)
lock: check-python
	$(PYTHON) tools/lock.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
