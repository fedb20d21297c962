"""``sidl bench engine``: latency of one live step (encode → operation → decode), side by side.

For each configuration — runtime (onnxruntime with each available provider, and torch eager of the
same checkpoint when torch and the checkpoint are present), coder, and 1 or 16 streams batched — it
times ``windows`` steps after a warm-up, each step on a different real-looking window, and reports
median, p99 and p99.9 in microseconds. The operation is ``denoise`` at amount 0.5 (a typical live
edit). Timings are measured, never asserted: the CLI prints them as JSON for the README.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import platform
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from sidl import __version__
from sidl.bridge import ops
from sidl.bridge.engine import Engine
from sidl.bridge.errors import ParameterError

log = logging.getLogger(__name__)

Clock = Callable[[], int]


def synthetic_windows(engine: Engine, count: int, streams: int, seed: int = 0, bars: int | None = None) -> np.ndarray:
    """(count, streams, C, T) grids of one live window each (``bars`` long, default the model's
    window), sparse like real playing."""
    rng = np.random.default_rng(seed)
    t = engine.info.steps_per_bar * (engine.info.window_bars if bars is None else bars)
    layout = engine.codec.grid_layout
    hits = (rng.random((count, streams, layout.size, t)) < 0.15).astype(np.float32)
    vel = hits * rng.uniform(0.2, 1.0, hits.shape).astype(np.float32)
    third = _THIRD_GROUP[layout.third.role](hits, rng)
    return np.concatenate([hits, vel, third], axis=2)


# What the third channel group of a synthetic window holds, by its role: offsets at hits, or holds.
_THIRD_GROUP: dict[str, Callable[[np.ndarray, np.random.Generator], np.ndarray]] = {
    "timing": lambda hits, rng: hits * rng.uniform(-0.4, 0.4, hits.shape).astype(np.float32),
    "hold": lambda hits, rng: hits.copy(),
}


def percentiles_us(samples_ns: list[int]) -> dict[str, float]:
    arr = np.asarray(samples_ns, dtype=np.float64) / 1000.0
    return {"median_us": round(float(np.median(arr)), 1), "p99_us": round(float(np.percentile(arr, 99)), 1),
            "p99_9_us": round(float(np.percentile(arr, 99.9)), 1), "mean_us": round(float(arr.mean()), 1)}


def time_steps(step: Callable[[np.ndarray], Any], windows: np.ndarray, warmup: int,
               clock: Clock = time.perf_counter_ns) -> dict[str, float]:
    """Run ``step`` on each window (after ``warmup`` untimed ones) and summarise the latencies."""
    for i in range(min(warmup, len(windows))):
        step(windows[i])
    samples = []
    for w in windows:
        start = clock()
        step(w)
        samples.append(clock() - start)
    return percentiles_us(samples)


def engine_step(engine: Engine, coder: str, bars: np.ndarray, amount: float = 0.5) -> Callable[[np.ndarray], np.ndarray]:
    k = engine.info.atoms_per_bar

    def step(batch: np.ndarray) -> np.ndarray:
        code = engine.encode(batch, coder=coder)
        return engine.decode(ops.denoise(code, amount, k=k, column_bars=bars))

    return step


def torch_step(checkpoint: str, coder: str, threads: int, bars: np.ndarray,
               amount: float = 0.5) -> Callable[[np.ndarray], np.ndarray] | None:
    """The same step in torch eager (built by the training side, ``models.bench_torch``), or None
    where torch or the checkpoint is missing. bridge itself never imports torch."""
    if importlib.util.find_spec("torch") is None:
        return None
    try:
        module = importlib.import_module("sidl.models.bench_torch")  # only present with sidl[train]
    except ImportError:
        return None
    step: Callable[[np.ndarray], np.ndarray] | None = module.torch_step(checkpoint, coder, threads, bars, amount)
    return step


def run_engine_bench(model: str = "drums", *, windows: int = 10_000, warmup: int = 200, streams: tuple[int, ...] = (1, 16),
                     threads: int = 1, providers: tuple[str, ...] | None = None, torch_compare: bool = True,
                     coders: tuple[str, ...] | None = None, window_bars: int | None = None,
                     seed: int = 0) -> dict[str, Any]:
    """Every configuration in one run; returns the JSON-able report (see module docstring)."""
    if windows < 1 or warmup < 0:
        raise ParameterError(f"windows must be >= 1 and warmup >= 0, got {windows} and {warmup}")
    import onnxruntime as ort

    listed = ort.get_available_providers()
    wanted = providers or (("cuda", "cpu") if "CUDAExecutionProvider" in listed else ("cpu",))
    results: list[dict[str, Any]] = []
    base = Engine.load(model, provider="cpu", threads=threads)
    all_coders = coders or (("pursuit", "network") if base.info.coder == "pursuit" else ("network",))
    n_bars = base.info.window_bars if window_bars is None else window_bars
    if n_bars < 1:
        raise ParameterError(f"window_bars must be >= 1, got {n_bars}")
    data = {n: synthetic_windows(base, windows, n, seed, n_bars) for n in streams}
    window_steps = base.info.steps_per_bar * n_bars
    bars = base.geometry.column_bars(window_steps)
    log.info("bench %s: %d windows of %d steps", model, windows, window_steps)
    for provider in wanted:
        try:
            engine = base if provider == "cpu" else Engine.load(model, provider=provider, threads=threads)
        except Exception as exc:  # a provider listed but not usable: report, don't die
            results.append({"runtime": "onnxruntime", "provider": provider, "error": str(exc)[:200]})
            continue
        for coder in all_coders:
            for n in streams:
                stats = time_steps(engine_step(engine, coder, bars), data[n], warmup)
                results.append({"runtime": "onnxruntime", "provider": engine.providers[0], "coder": coder,
                                "streams": n, **stats})
    if torch_compare:
        for coder in all_coders:
            step = torch_step(model, coder, threads, bars)
            if step is None:
                break
            for n in streams:
                results.append({"runtime": "torch-eager", "provider": "cpu", "coder": coder, "streams": n,
                                **time_steps(step, data[n], warmup)})
    return {"bench": "engine", "model": model, "version": base.info.version, "sidl": __version__,
            "windows": windows, "warmup": warmup, "window_steps": window_steps,
            "operation": "encode → denoise(0.5) → decode", "threads": threads,
            "machine": {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
                        "cpus": os.cpu_count(), "onnxruntime": ort.__version__, "providers_listed": listed},
            "results": results, "ratios": _ratios(results)}


def _ratios(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """torch eager median / onnxruntime CPU median, per coder and stream count (> 1: ONNX faster)."""
    out = []
    for r in results:
        if r.get("runtime") != "torch-eager":
            continue
        for o in results:
            if (o.get("runtime") == "onnxruntime" and o.get("provider") == "CPUExecutionProvider"
                    and o.get("coder") == r["coder"] and o.get("streams") == r["streams"]):
                out.append({"coder": r["coder"], "streams": r["streams"],
                            "torch_over_onnxruntime_median": round(r["median_us"] / o["median_us"], 2),
                            "torch_over_onnxruntime_p99": round(r["p99_us"] / o["p99_us"], 2)})
    return out
