# Two entry points for a fresh machine with Python 3.9+ and make:
#   make demo   install flask-lint into .venv and lint examples/ with every frontend
#   make test   install the test dependencies into .venv and run the whole suite

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the package metadata changes.
$(VENV)/.demo-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[pylint]"
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.demo-installed

demo: $(VENV)/.demo-installed
	@echo "== flask-lint examples/"
	@cd examples && ../$(BIN)/flask-lint --no-cache . || true
	@echo
	@echo "== flake8 --select FLK examples/"
	@cd examples && FLASK_LINT_NO_CACHE=1 ../$(BIN)/flake8 --select FLK . || true
	@echo
	@echo "== pylint --load-plugins=flask_lint.pylint_plugin examples/"
	@cd examples && FLASK_LINT_NO_CACHE=1 ../$(BIN)/pylint --rcfile=/dev/null --load-plugins=flask_lint.pylint_plugin \
		--disable=all --enable=$$(../$(BIN)/python -c "from flask_lint.families import all_rules; print(','.join(r.name for r in all_rules() if r.default_enabled))") \
		--score=n bookshop || true
	@echo
	@echo "== flask-lint routes examples/ (the URL map, without importing the app)"
	@cd examples && ../$(BIN)/flask-lint routes --no-cache . || true

test: $(VENV)/.test-installed
	$(BIN)/python -m pytest
	$(MAKE) --no-print-directory lint

lint: $(VENV)/.test-installed
	$(BIN)/ruff check flask_lint tests scripts benchmarks
	$(BIN)/mypy
	$(BIN)/python scripts/gen_rules_table.py --check
	$(BIN)/flask-lint --no-cache flask_lint

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .flask-lint-cache
