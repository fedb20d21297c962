# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
DATA   ?= ../shared/data

.PHONY: smoke-runtime typecheck run test venv-run venv-test demo eval-drums train-drums train-piano export-models bench figures clean

$(VENV)/bin/python:
	@echo "sidl: making a virtual environment in $(VENV)"
	@$(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --quiet --upgrade pip

# The main job: the live bridge with the bundled drum model (virtual ports "sidl in"/"sidl out", OSC on
# 127.0.0.1:9000). Headless Linux without ALSA gets a JACK server with the dummy driver. Until something
# else plays into "sidl in", a generated groove does (--idle-demo): the status line shows it, and Ctrl-C
# writes what went in and came out to demo_out/. The runtime install is redone only when the packaging
# changes (-qq: pip's and setuptools' notices are for packagers, not for someone trying the bridge).
RUN_STAMP := $(VENV)/.sidl-runtime-installed
$(RUN_STAMP): pyproject.toml setup.py | $(VENV)/bin/python
	@echo "sidl: installing the runtime into $(VENV) (pip install -e '.[cpu]'; about a minute the first time)"
	@$(PY) -m pip install --quiet --quiet -e ".[cpu]"
	@touch $@

venv-run: $(RUN_STAMP)

venv-test: $(VENV)/bin/python
	$(PY) -m pip install --quiet -e ".[cpu,train,dev,link,plot,search]"

# Keep the recipe a plain command (no redirection, pipe, `;` or quotes): make then starts sidl itself
# instead of a shell, so Ctrl-C ends with sidl's clean exit rather than a shell's, which make would
# report as "make: *** [run] Interrupt" (measured, GNU make 4.3 with dash).
run: venv-run
	@$(VENV)/bin/sidl run --model drums --jack-dummy --idle-demo demo_out $(RUN_ARGS)

# torch-free: the runtime install and the bundled drum model are enough
demo: venv-run
	@$(VENV)/bin/sidl demo --out demo_out

test: venv-test
	$(PY) -m pytest -q

train-drums: venv-test
	$(VENV)/bin/sidl train drums --data $(DATA)/groove --config models/configs/drums.json --out runs/drums

train-piano: venv-test
	$(VENV)/bin/sidl train piano --data $(DATA)/piano --config models/configs/piano.json --out runs/piano

eval-drums: venv-test
	$(VENV)/bin/sidl eval --model drums --data $(DATA)/groove --split validation --baselines --json

# What a performer installs: `pip install .[cpu]` (no torch) into a fresh venv, then every offline
# tool on the bundled models, the demo, and a short engine benchmark (figures printed, never asserted);
# the torch commands must answer with one line naming the [train] extra, exit 2, no traceback.
RT_VENV ?= .venv-runtime
SMOKE   ?= .smoke
smoke-runtime:
	rm -rf $(RT_VENV) $(SMOKE) && $(PYTHON) -m venv $(RT_VENV) && mkdir -p $(SMOKE)
	$(RT_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(RT_VENV)/bin/python -m pip install --quiet ".[cpu,plot]"
	! $(RT_VENV)/bin/python -c "import torch" 2>/dev/null
	$(RT_VENV)/bin/python -c "import importlib.metadata as m, pathlib, sidl; top = m.distribution('sidl').read_text('top_level.txt').split(); assert top == ['sidl'], top; assert (pathlib.Path(sidl.__file__).parent / 'py.typed').is_file(), 'py.typed missing'"
	cd $(SMOKE) && ../$(RT_VENV)/bin/sidl generate a.mid --bars 4 --seed 1 && ../$(RT_VENV)/bin/sidl generate b.mid --bars 2 --seed 2
	cd $(SMOKE) && ../$(RT_VENV)/bin/sidl reconstruct a.mid r.mid --atoms 2 && ../$(RT_VENV)/bin/sidl denoise a.mid d.mid
	cd $(SMOKE) && ../$(RT_VENV)/bin/sidl interpolate a.mid b.mid i.mid --steps 3 && ../$(RT_VENV)/bin/sidl swap a.mid b.mid s.mid
	cd $(SMOKE) && ../$(RT_VENV)/bin/sidl decompose a.mid parts && ../$(RT_VENV)/bin/sidl generate p.mid --model piano --bars 2 --seed 3
	cd $(SMOKE) && ../$(RT_VENV)/bin/sidl reconstruct p.mid pr.mid --model piano
	cd $(SMOKE) && mkdir -p mine/x mine/y && cp a.mid i-00.mid i-01.mid mine/x/ && cp b.mid s.mid i-02.mid mine/y/
	cd $(SMOKE) && ../$(RT_VENV)/bin/sidl atoms --top 16 --out atoms.png --midi atoms && ../$(RT_VENV)/bin/sidl code a.mid --out code.png
	cd $(SMOKE) && ../$(RT_VENV)/bin/sidl similar b.mid mine --top 3 && ../$(RT_VENV)/bin/sidl style mine --out style.png --features style.csv
	$(RT_VENV)/bin/sidl bench engine --json --windows 300 --warmup 30 --out $(SMOKE)/bench-engine.json
	cd $(SMOKE) && ../$(RT_VENV)/bin/sidl demo --out demo && ../$(RT_VENV)/bin/sidl demo --out demo-seed --model seed-drums --bars 2
	cd $(SMOKE) && for cmd in "train drums --data . --out t" "eval --model drums --data ." "export drums --out e"; do \
	  rc=0; ../$(RT_VENV)/bin/sidl $$cmd >/dev/null 2>err.txt || rc=$$?; \
	  if [ $$rc -ne 2 ] || [ $$(wc -l < err.txt) -ne 1 ] || grep -q Traceback err.txt || ! grep -q "needs the \[train\] extra: pip install 'sidl\[train\]'" err.txt; \
	  then echo "sidl $$cmd: expected one line naming [train] and exit 2, got exit $$rc:"; cat err.txt; exit 1; fi; \
	done

# Re-export the bundled ONNX models from the shipped checkpoints (atom statistics from the training
# split, default denoise amount tuned on the validation split).
export-models: venv-test
	$(VENV)/bin/sidl export drums --out bridge/bundled/drums --stats-data $(DATA)/groove --tune-data $(DATA)/groove
	$(VENV)/bin/sidl export piano --out bridge/bundled/piano --stats-data $(DATA)/piano
	$(VENV)/bin/sidl export seed-drums --out bridge/bundled/seed-drums --stats-data $(DATA)/groove

bench: venv-test
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(VENV)/bin/sidl bench engine --json --out bench-engine.json
	$(VENV)/bin/sidl bench live --out bench-live.json

# The pictures of the README's "What the dictionary learned" (needs ../shared/data; the style maps
# print their metric tables).
IMG ?= docs/img
figures: venv-test
	$(VENV)/bin/sidl atoms --model drums --top 32 --out $(IMG)/atoms-drums.png
	$(VENV)/bin/sidl atoms --model piano --top 32 --out $(IMG)/atoms-piano.png
	$(VENV)/bin/sidl code $(DATA)/groove/drummer1/session1/126_funk-fast_125_beat_4-4.mid --model drums --bars 5-12 --out $(IMG)/code-drums.png
	$(VENV)/bin/sidl code $(DATA)/piano/midis/Bach/bach_846.mid --model piano --bars 1-4 --out $(IMG)/code-piano.png
	$(VENV)/bin/sidl style $(DATA)/groove --model drums --split validation --metrics --out $(IMG)/style-drums-validation.png
	$(VENV)/bin/sidl style $(DATA)/piano --model piano --split validation --metrics --compare Haydn,Beethoven,Chopin --out $(IMG)/style-piano-validation.png
	bash max_patches/pd/screenshot.sh $(VENV)/bin/sidl

clean:
	rm -rf $(VENV) $(RT_VENV) $(SMOKE) demo_out .pytest_cache build *.egg-info

# Static types over the whole package: runtime, CLI, training and export (mypy, settings in
# pyproject.toml). The folders install under the `sidl` namespace, which mypy cannot see through
# an editable install, so it reads them through a tree of links laid out as installed.
TYPECHECK_TREE ?= build/typecheck
typecheck: venv-test
	rm -rf $(TYPECHECK_TREE) && mkdir -p $(TYPECHECK_TREE)/sidl
	for f in sidl/*.py sidl/py.typed; do ln -s $(CURDIR)/$$f $(TYPECHECK_TREE)/sidl/; done
	for part in bridge models export; do ln -s $(CURDIR)/$$part $(TYPECHECK_TREE)/sidl/$$part; done
	cd $(TYPECHECK_TREE) && $(CURDIR)/$(VENV)/bin/mypy --config-file $(CURDIR)/pyproject.toml -p sidl
