# make lab    install what the course needs (once) and open JupyterLab on it
# make test   install what the tests need (once) and run every test
# make build  regenerate translations, exercises and check data
# make bundle build the course's data bundle from ../shared/data (for maintainers)
# make data   download and check every data file into $(DATA) (for instructors' CI)

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# The data folder the tests read (COURSE_DATA_DIR): ../shared/data beside the clone
# if there is one, else ./data, which `make data` fills. Override: make test DATA=/path
DATA ?= $(firstword $(wildcard $(abspath ../shared/data)) $(CURDIR)/data)
# Where `make data` takes the course's bundled files from; empty: the registry's release.
BUNDLE_URL ?=

.PHONY: lab test build bundle data lint clean

$(VENV)/.installed: requirements.txt requirements-test.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt -e .
	touch $@

# Containers often run as root, which JupyterLab refuses unless told otherwise.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(VENV)/.installed
	$(VENV)/bin/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir="$(CURDIR)" \
		--LabApp.default_url=/lab/tree/notebooks/en/00_start_here.ipynb

test: $(VENV)/.installed
	COURSE_PROFILE=ci COURSE_DATA_DIR=$(DATA) $(PY) -m pytest -n 2 --dist loadfile

build: $(VENV)/.installed
	$(PY) -m tools.check_data
	$(PY) -m tools.build

bundle: $(VENV)/.installed
	$(PY) -m tools.make_data_bundle $(DATA) dist/data-bundle

data: $(VENV)/.installed
	$(PY) -m tools.fetch_data $(DATA) $(if $(BUNDLE_URL),--bundle-url $(BUNDLE_URL))

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV)
