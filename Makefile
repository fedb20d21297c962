# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
DATA   ?= ../shared/data

.PHONY: run test venv-run venv-test demo eval-drums train-drums train-piano export-models bench clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Until the live daemon exists, the main job is the offline demo with the bundled drum model.
venv-run: $(VENV)/bin/python
	$(PY) -m pip install --quiet -e ".[cpu,train]"

venv-test: $(VENV)/bin/python
	$(PY) -m pip install --quiet -e ".[cpu,train,dev]"

run: venv-run
	$(VENV)/bin/sidl demo --out demo_out

test: venv-test
	$(PY) -m pytest -q

train-drums: venv-test
	$(VENV)/bin/sidl train drums --data $(DATA)/groove --config models/configs/drums.json --out runs/drums

train-piano: venv-test
	$(VENV)/bin/sidl train piano --data $(DATA)/piano --config models/configs/piano.json --out runs/piano

eval-drums: venv-test
	$(VENV)/bin/sidl eval --model drums --data $(DATA)/groove --split validation --baselines --json

# Re-export the bundled ONNX models from the shipped checkpoints (atom statistics from the training
# split, default denoise amount tuned on the validation split).
export-models: venv-test
	$(VENV)/bin/sidl export drums --out bridge/bundled/drums --stats-data $(DATA)/groove --tune-data $(DATA)/groove
	$(VENV)/bin/sidl export piano --out bridge/bundled/piano --stats-data $(DATA)/piano

bench: venv-test
	$(VENV)/bin/sidl bench engine --json --out bench-engine.json

clean:
	rm -rf $(VENV) demo_out .pytest_cache build *.egg-info
