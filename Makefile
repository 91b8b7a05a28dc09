# Warden — every developer and CI entry point. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# face_recognition 1.3.0 and its model package declare a dependency on the source-built
# `dlib` distribution (a 20-minute compile). dlib-bin (a wheel, in pyproject) provides the
# same `dlib` module, so these two are installed without their declared dependencies.
FACE_NODEPS := face-recognition==1.3.0 face-recognition-models==0.3.0

PROTO_SRC := $(shell find protos/warden -name '*.proto' 2>/dev/null | sort)

.PHONY: help install demo test test-fast protos check lint typecheck protos-check bench fmt clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade 'pip>=24'
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps $(FACE_NODEPS)
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install Warden with its dev tools

demo: $(STAMP)  ## run the main job end to end on embedded defaults (no Redis, no PostgreSQL)
	$(BIN)/warden demo

# Coverage is a gate, not a report: the suite fails below COVERAGE_MIN percent.
COVERAGE_MIN ?= 80

test: $(STAMP)  ## run the whole test suite with the coverage gate (CI sets WARDEN_REQUIRE_SERVICES=1)
	$(BIN)/python -m pytest --cov --cov-report=term:skip-covered --cov-fail-under=$(COVERAGE_MIN) $(PYTEST_ARGS)

test-fast: $(STAMP)  ## unit tests only: no Redis, PostgreSQL, browser or slow tests
	$(BIN)/python -m pytest -m "not redis and not postgres and not browser and not slow" $(PYTEST_ARGS)

protos: $(STAMP)  ## regenerate protos/gen from protos/warden
	$(BIN)/python -m services.common.protogen --out protos/gen

protos-check: $(STAMP)  ## fail if protos/gen is not what `make protos` would write
	$(BIN)/python -m services.common.protogen --check

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck protos-check  ## ruff, mypy --strict on hand-written code, generated code fresh

fmt: $(STAMP)  ## format and autofix
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)  ## run every benchmark under bench/ and print their tables
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:  ## remove the venv, caches and local state
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov
