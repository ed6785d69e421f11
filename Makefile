# case2code: `make demo` runs the main job on bundled defaults; `make test` runs every test.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test bench bench-spark lint clean fuzz serve

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

demo: install
	$(BIN)/case2code lookup 20982 | head -40
	$(BIN)/case2code lookup "cryoablaton rib mets"
	@for f in src/case2code/examples/*.txt; do echo; echo "=== $$f"; $(BIN)/case2code code $$f --date 2025-06-02; done
	@echo; echo "=== batch: src/case2code/examples/notes.jsonl -> out/examples.jsonl"
	@mkdir -p out
	@# two example lines are bad on purpose: batch codes the others and exits 1, which is expected here
	@$(BIN)/case2code batch src/case2code/examples/notes.jsonl -o out/examples.jsonl; rc=$$?; \
	  if [ $$rc -eq 1 ]; then echo "(exit 1 as expected: the two bad example lines got their own errors)"; else exit $$rc; fi
	@cat out/examples.jsonl | cut -c1-200

test: install $(VENV)/.spark-installed
	$(BIN)/python -m pytest

# the spark extra (PySpark; Java 17 must be on the machine): `make test` runs the Spark tests too
$(VENV)/.spark-installed: pyproject.toml
	$(BIN)/python -m pip install -q -e ".[dev,spark]"
	touch $@

fuzz: install  # the big Hypothesis run: 3,000 examples per property (minutes)
	C2C_FUZZ_BIG=1 $(BIN)/python -m pytest -m slow tests/test_fuzz.py -q

# The bench peers live in their own venv: medspaCy pins spaCy < 3.8 and so NumPy < 2, which PyArrow
# (the spark extra) refuses, and medspacy-quickumls installs a top-level `tests` package that would
# shadow ours. `make test` never sees them.
BENCH_VENV := .venv-bench

# The cold start is measured as installed: pip compiles a wheel's modules to bytecode at install,
# while an editable checkout on a machine with PYTHONDONTWRITEBYTECODE set would recompile every
# module at each start (paired fresh processes on this machine, 11 runs each: median 290 ms without
# bytecode, 217 ms with it); compileall writes them first.
bench: $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/python -m compileall -q src > /dev/null
	$(BENCH_VENV)/bin/python bench/run.py

$(BENCH_VENV)/.installed: pyproject.toml
	$(PY) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install -q --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install -q -e ".[bench]"
	touch $@

bench-spark: install $(VENV)/.spark-installed  # notes/s at local[1], local[2], batch -w 2
	$(BIN)/python bench/spark.py

serve: install
	$(BIN)/case2code serve --host $${HOST:-127.0.0.1} --port $${PORT:-8000}

lint: install
	$(BIN)/ruff check src tests bench

clean:
	rm -rf $(VENV) $(BENCH_VENV) out .pytest_cache
