# Two commands do everything on a fresh Debian machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA ?= sohoa-data
HOST ?= 127.0.0.1
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Tesseract with the Vietnamese model, poppler for PDF checks, fonts that cover Vietnamese,
# the hunspell word list the repair model's syllable inventory is built from; the headers and
# compiler tesserocr is built with against this same libtesseract (pip --no-binary below).
APT_RUN := tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng poppler-utils fonts-liberation2 \
           hunspell-vi python3-venv qpdf libtesseract-dev libleptonica-dev g++ pkg-config \
           python3-dev
# Browser tests drive Debian's Chromium (no browser download).
APT_TEST := chromium chromium-driver

.PHONY: run test serve ingest-samples system-deps test-deps lint bench-quick clean-data

define apt_install
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:" $$missing >&2; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >&2; \
	fi
endef

system-deps:
	$(call apt_install,$(APT_RUN))

test-deps: system-deps
	$(call apt_install,$(APT_TEST))

$(BIN)/sohoa: pyproject.toml | system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip >&2
	$(BIN)/pip install -q --no-binary tesserocr -e '.[dev]' >&2
	touch $@

run: system-deps $(BIN)/sohoa ingest-samples serve

ingest-samples: $(BIN)/sohoa
	$(BIN)/sohoa --data $(DATA) ingest samples/documents || echo "some samples failed: see the table above" >&2

serve: $(BIN)/sohoa
	$(BIN)/sohoa --data $(DATA) serve --host $(HOST) --port $(PORT)

test: test-deps $(BIN)/sohoa
	$(BIN)/ruff check .
	$(BIN)/pytest

# ruff (lint + format) and mypy (config in pyproject.toml); CI runs this before the tests.
lint: $(BIN)/sohoa
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean-data:
	rm -rf $(DATA)
