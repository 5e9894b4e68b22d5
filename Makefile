# One command to run the app, one to run every test. Both create .venv on first use.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1

.PHONY: run test lint install install-dev system-deps test-system-deps clean bench

# Debian packages. The app reads scanned resumes with Tesseract and legacy .doc files with
# antiword; the tests also drive Debian's Chromium and start throwaway PostgreSQL servers.
RUNTIME_DEB := tesseract-ocr tesseract-ocr-eng antiword
TEST_DEB    := $(RUNTIME_DEB) chromium postgresql
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Installs the Debian packages in $(1) that are missing (apt-get; root or sudo).
define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi
endef

$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	$(PY) -m pip install -q --no-deps -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev test-system-deps

# OCR and .doc support for the app. Without apt (not Debian, no sudo) the app still runs:
# scanned PDFs and .doc files then get a clear per-file message instead.
system-deps:
	-$(call apt_install,$(RUNTIME_DEB))

# Browser tests use Debian's Chromium (Playwright cannot download its own browser here);
# the Postgres tests start their own server from Debian's postgresql binaries.
test-system-deps:
	$(call apt_install,$(TEST_DEB))

# `prepare` exports and checks the faster encoder once per model version (minutes the
# first time, instant after); if it fails the app still starts, on torch.
run: install system-deps
	$(PY) -m resumatch prepare || echo "resumatch prepare failed: the app serves with torch"
	$(PY) -m streamlit run app.py --server.port $(PORT) \
	  --server.maxUploadSize $${RESUMATCH_MAX_UPLOAD_MB:-20}

lint: $(VENV)/.installed-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

test: install-dev
	$(PY) -m ruff check .
	$(PY) -m pytest

bench: install
	$(PY) bench/throughput.py --quick
	$(PY) bench/quality.py
	$(PY) bench/pdf_reading.py
	$(PY) bench/docx_readers.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
