# make demo: set up and build the sample graph, HTML page and preset query answers.
# make test: set up with the test extras and run the test suite.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
INPUT  ?= ../shared/corpus/alibaba-cloud-2025.zh-Hant.txt
OUT    ?= out
DATA   ?= ../shared/data

.PHONY: demo test setup setup-test bench train-ner eval-ner clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

setup: $(VENV)/.installed
setup-test: $(VENV)/.installed-test

demo: setup
	$(BIN)/kg build $(INPUT) -o $(OUT) --format trig --html
	$(BIN)/kg extract $(INPUT) --format jsonl -o $(OUT)/extract.jsonl
	$(BIN)/kg stats $(OUT)/graph.ttl
	@for q in executives subsidiaries products competitors facts; do \
	  echo; echo "== kg query $(OUT)/graph.ttl --preset $$q"; \
	  $(BIN)/kg query $(OUT)/graph.ttl --preset $$q || exit 1; done
	@echo; echo "graph: $(OUT)/graph.ttl  named graphs: $(OUT)/graph.trig  page: $(OUT)/graph.html"

test: setup-test
	bash tests/setup_services.sh
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python bench/bench_ner.py
	$(BIN)/python bench/bench_trained.py
	$(BIN)/python bench/bench_english.py

clean:
	rm -rf $(OUT) .pytest_cache
