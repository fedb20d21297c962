"""``sidl bench train``: training throughput (windows/s) at 1, 2, … processes, side by side.

Each process count is one real run of ``sidl train`` on the same data and config: one process as a
plain command, N processes under ``torchrun --standalone --nproc-per-node N`` (what a user runs). The
machine's cores are shared among the processes (``--threads cores/N``), so the figures compare ways of
using the same machine. A run's figure is rank 0's: windows of the global batches trained per second
of training steps (validation and checkpoints left out), from the summary ``sidl train`` prints.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import torch

from sidl.bridge.errors import ParameterError, SidlError
from sidl.models.train import TrainConfig

log = logging.getLogger(__name__)

#: Most processes one benchmark starts on this machine.
MAX_PROCS = 64


def launch_command(procs: int, train_args: list[str]) -> list[str]:
    """The command line of one run: ``sidl train`` alone, or under torchrun for several processes."""
    if procs == 1:
        return [sys.executable, "-m", "sidl.cli", "train", *train_args]
    return [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc-per-node={procs}",
            "-m", "sidl.cli", "train", *train_args]


def run_train_bench(codec: str, data: str, config_path: str, *, procs: list[int], epochs: int = 1,
                    max_windows: int = 4096, cores: int | None = None, threads: int | None = None, device: str = "cpu",
                    cache: str | None = None, work: str | None = None) -> dict[str, Any]:
    """Time one training run per process count; the JSON report with each run's command."""
    if not procs or any(p < 1 or p > MAX_PROCS for p in procs):
        raise ParameterError(f"--procs must list process counts within 1..{MAX_PROCS}, got {procs}")
    if epochs < 1 or max_windows < 0 or (threads is not None and threads < 1):
        raise ParameterError(f"--epochs and --threads must be >= 1 and --max-windows >= 0, got {epochs}, {threads} "
                             f"and {max_windows}")
    total_cores = cores or os.cpu_count() or 1
    config = TrainConfig.load(config_path)
    config.epochs = epochs
    config.max_windows = max_windows or None
    config.pursuit_fit = None  # the refit after the epochs runs on rank 0 alone: not what is measured here
    with tempfile.TemporaryDirectory(prefix="sidl-bench-train-") as scratch:
        root = Path(work) if work else Path(scratch)
        root.mkdir(parents=True, exist_ok=True)
        bench_config = root / "bench-config.json"
        bench_config.write_text(json.dumps({"train": config.to_dict()}, indent=2) + "\n", encoding="utf-8")
        results = [_one_run(codec, data, bench_config, p, threads or max(1, total_cores // p), device, cache,
                            root / f"run-{i}") for i, p in enumerate(procs)]
    base = next((r for r in results if r["processes"] == 1 and r.get("windows_per_second")), None)
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    for r in results:
        if base is not None and r.get("windows_per_second"):
            r["speedup_over_1"] = round(r["windows_per_second"] / base["windows_per_second"], 2)
    return {
        "machine": {"cpu_cores": os.cpu_count(), "cores_used": total_cores, "torch": torch.__version__,
                    "cuda": torch.cuda.is_available(), "device": device,
                    "load_average_1_5_15_min_after": [round(x, 2) for x in load] if load else None},
        "config": {"codec": codec, "config": config_path, "epochs": epochs, "max_windows": max_windows,
                   "batch_size": config.batch_size, "atoms": config.model.atoms, "data": data},
        "results": results,
    }


def _one_run(codec: str, data: str, config: Path, procs: int, threads: int, device: str, cache: str | None,
             root: Path) -> dict[str, Any]:
    out = root / f"procs-{procs}-threads-{threads}"  # root: this run's own folder
    args = [codec, "--data", data, "--config", str(config), "--out", str(out), "--threads", str(threads),
            "--device", device, "--no-progress"]
    if cache:
        args += ["--cache", cache]
    command = launch_command(procs, args)
    log.info("timing %d process(es): %s", procs, " ".join(command))
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    result: dict[str, Any] = {"processes": procs, "threads_per_process": threads, "wall_seconds": round(wall, 1),
                              "command": " ".join(["sidl", *command[command.index("train"):]]
                                                  if procs == 1 else ["torchrun", *command[3:]])}
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise SidlError(f"the {procs}-process run failed (exit {done.returncode}): {' | '.join(tail)}")
    summary = json.loads(done.stdout[done.stdout.index("{"):])
    for key in ("windows_per_second", "train_seconds", "train_windows", "final_train_loss", "final_val_loss"):
        result[key] = summary.get(key)
    return result
