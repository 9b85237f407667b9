# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: run test install install-dev lint kb-check bench eval clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## make run: install and start the assistant (Telegram with TELEGRAM_BOT_TOKEN, else the console)
run: install
	$(PY) -m bot run

# The Telegram Bot API emulator the end-to-end tests run against (tests/e2e); needs Node 20 + npm.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

## make test: knowledge-base check, linter, type check, whole test suite
test: install-dev node_modules/.installed
	$(PY) -m bot kb check
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(PY) -m pytest -q

lint: install-dev
	$(PY) -m ruff check .
	$(PY) -m mypy

kb-check: install
	$(PY) -m bot kb check

bench: install-dev
	$(PY) -m bench

eval: install
	$(PY) ../shared/eval/score.py ../shared/eval/dev.jsonl --cmd "$(PY) -m bot"

clean:
	rm -rf $(VENV) build *.egg-info
