"""The offline demo behind ``sidl demo`` and ``make demo`` (torch-free: the bundled ONNX models).

It generates a short groove itself (no dataset file needed, :mod:`sidl.bridge.grooves`): a backbeat
with a swung, accented hi-hat, ghost notes and a fill, played with human micro-timing. A drum model
then reconstructs it, and denoises a deliberately damaged copy (:mod:`sidl.bridge.corruption`). Each
bar's sparse code is returned so that the command layer can print it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sidl.bridge import tools
from sidl.bridge.codecs import save_score
from sidl.bridge.corruption import corrupt_drums
from sidl.bridge.engine import Engine
from sidl.bridge.errors import ParameterError
from sidl.bridge.grooves import generate_groove

HIT_THRESHOLD = 0.5


@dataclass
class BarCode:
    bar: int
    atoms: list[tuple[int, int, float]]  # (atom, column within the bar, activation), strongest first


@dataclass
class DemoResult:
    files: dict[str, Path]
    codes: list[BarCode]
    reconstruction_f1: float
    noisy_f1: float
    denoised_f1: float
    model: str
    rule: str


def hit_f1(reference: np.ndarray, estimate: np.ndarray, classes: int) -> float:
    """F1 of the hit rows (the first ``classes`` rows) matched cell by cell; 1.0 when both are empty."""
    ref = np.asarray(reference)[:classes] > HIT_THRESHOLD
    est = np.asarray(estimate)[:classes] > HIT_THRESHOLD
    tp = int((ref & est).sum())
    wrong = int((ref ^ est).sum())
    return 1.0 if tp == wrong == 0 else 2 * tp / (2 * tp + wrong)


def run_demo(out_dir: str | Path, model: str = "drums", bars: int = 4, seed: int = 7) -> DemoResult:
    """Write input, reconstruction, noisy and denoised MIDI files to ``out_dir`` and score them."""
    if bars < 1:
        raise ParameterError(f"--bars must be at least 1, got {bars}")
    engine = Engine.load(model)  # the model's own coder, as every runtime tool uses
    out = Path(out_dir)
    codec = engine.codec
    classes = codec.hit_rows.stop  # hits | velocities | offsets
    groove = generate_groove(bars, seed)
    codec.check_file(groove, source="the demo's drum groove", model=engine.info.name)  # e.g. a piano model
    clean = codec.encode(groove).array
    recon = engine.reconstruct(clean)
    noisy_score = corrupt_drums(groove, seed=seed)
    noisy = codec.encode(noisy_score, n_steps=clean.shape[1]).array
    denoised = engine.reconstruct(noisy)

    files = {
        "input": save_score(groove, out / "input.mid"),
        "reconstruction": save_score(tools.grid_score(engine, recon, groove), out / "reconstruction.mid"),
        "noisy": save_score(noisy_score, out / "noisy.mid"),
        "denoised": save_score(tools.grid_score(engine, denoised, groove), out / "denoised.mid"),
    }
    code = engine.encode(clean)
    bars_of_columns = tools.code_bars(engine, clean.shape[1])
    codes = []
    for bar in range(clean.shape[1] // engine.info.steps_per_bar):
        columns = np.flatnonzero(bars_of_columns == bar)
        active = [(int(a), int(c - columns[0]), float(code[a, c])) for c in columns for a in np.flatnonzero(code[:, c])]
        codes.append(BarCode(bar, sorted(active, key=lambda x: -x[2])))
    return DemoResult(
        files=files,
        codes=codes,
        reconstruction_f1=hit_f1(clean, recon, classes),
        noisy_f1=hit_f1(clean, noisy, classes),
        denoised_f1=hit_f1(clean, denoised, classes),
        model=engine.info.name,
        rule=f"top-{engine.info.k} over {engine.info.wta_axis}",
    )
