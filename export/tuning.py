"""What an export measures on data and stores in the model's metadata.

- :func:`atom_statistics`: how often each atom is active per bar, and how strongly, over the codes of
  the training split (what ``generate`` samples from);
- :func:`tune_denoise_amount`: the ``denoise`` amount that maximises the denoising score of
  ``sidl eval`` (F1(clean, output) − F1(clean, noisy)) on the validation split: the default of
  ``sidl denoise``;
- :func:`real_parity_windows`: a few real windows for the export's parity check.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import torch

from sidl.bridge.codecs import get_codec
from sidl.bridge.geometry import CodeGeometry, atoms_per_bar
from sidl.bridge.ops import AtomStats, denoise
from sidl.models.autoencoder import ConvWTAAutoencoder
from sidl.models.datasets import cut_windows, discover, encode_items
from sidl.models.evaluate import eval_kind, load_eval_set
from sidl.models.evaluation import merge_scores

log = logging.getLogger(__name__)

DENOISE_AMOUNTS = (0.0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1.0)
_BATCH = 256


def _codec(config: dict[str, Any]) -> Any:
    train = config["train"]
    return get_codec(train["codec"], **(train.get("codec_options") or {}))


def _geometry(model: ConvWTAAutoencoder) -> CodeGeometry:
    cfg = model.config
    return CodeGeometry(atoms=cfg.atoms, kernel=cfg.kernel, stride=cfg.stride, steps_per_bar=cfg.steps_per_bar)


def _windows(model: ConvWTAAutoencoder, config: dict[str, Any], data_dir: str | Path, split: str,
             max_files: int | None) -> np.ndarray:
    items = discover(data_dir, split)
    if max_files:
        items = items[:max_files]
    grids = encode_items(items, _codec(config)).grids
    window = model.config.steps_per_bar * int(config["train"].get("window_bars", 4))
    return cut_windows(grids, window, window, hit_rows=model.config.group_size)


@torch.no_grad()
def _encode(model: ConvWTAAutoencoder, windows: np.ndarray) -> np.ndarray:
    return np.concatenate([model.encode(torch.from_numpy(windows[i : i + _BATCH])).numpy()
                           for i in range(0, len(windows), _BATCH)])


def atom_statistics(model: ConvWTAAutoencoder, config: dict[str, Any], data_dir: str | Path, *,
                    split: str = "train", max_files: int | None = None) -> dict[str, Any]:
    """Per-atom activation statistics of the codes of every window of ``split`` (JSON-able)."""
    windows = _windows(model, config, data_dir, split, max_files)
    codes = _encode(model, windows)
    bars = _geometry(model).column_bars(windows.shape[2])
    stats = AtomStats.from_codes(list(codes), [bars] * len(codes))
    log.info("atom statistics from %d windows of %s", len(codes), split)
    return stats.to_dict()


def real_parity_windows(model: ConvWTAAutoencoder, config: dict[str, Any], data_dir: str | Path, *,
                        split: str = "train", files: int = 4, count: int = 16) -> np.ndarray:
    """A handful of real windows from the first files of ``split``."""
    return _windows(model, config, data_dir, split, files)[:count]


@torch.no_grad()
def tune_denoise_amount(model: ConvWTAAutoencoder, config: dict[str, Any], data_dir: str | Path, *,
                        split: str = "validation", max_files: int | None = None) -> dict[str, Any]:
    """Denoising score at each amount in :data:`DENOISE_AMOUNTS`; the best is the tools' default.

    Only for codecs whose evaluation has a denoising benchmark (drums: the corruption is defined on
    grooves); the others keep amount 0.
    """
    codec = _codec(config)
    kind = eval_kind(codec)
    if not kind.corrupt:
        return {"amount": 0.0, "scores": {}, "note": "no denoising benchmark for this codec"}
    data = load_eval_set(data_dir, split, codec, corrupt=True, max_files=max_files)
    geometry = _geometry(model)
    spb = model.config.steps_per_bar
    cases = []
    for f in data.files:
        assert f.noisy is not None  # load_eval_set(corrupt=True) gives every file its noisy twin
        t = f.clean.shape[1]
        padded = -(-t // spb) * spb
        noisy = np.pad(f.noisy, ((0, 0), (0, padded - t)))
        code = model.encode(torch.from_numpy(noisy)[None])[0].numpy()
        cases.append((f, f.noisy, t, code, geometry.column_bars(padded)))
    beat_steps = codec.steps_per_beat
    noisy_f1 = merge_scores([kind.score(f.clean, noisy_grid, f, beat_steps) for f, noisy_grid, *_ in cases]).f1
    budget = atoms_per_bar(model.config.k, wta_axis=model.config.wta_axis,
                           columns_per_bar=model.config.steps_per_bar // model.config.stride)
    scores: dict[str, float] = {}
    for amount in DENOISE_AMOUNTS:
        outs = []
        for f, _, t, code, bars in cases:
            cleaned = denoise(code, amount, k=budget, column_bars=bars)
            out = model.decode(torch.from_numpy(cleaned)[None])[0, :, :t].numpy()
            outs.append(kind.score(f.clean, out, f, beat_steps))
        scores[f"{amount:g}"] = round(merge_scores(outs).f1 - noisy_f1, 4)
    best = max(scores, key=lambda a: (scores[a], -float(a)))
    log.info("denoise scores by amount on %s: %s (best %s)", split, scores, best)
    return {"amount": float(best), "scores": scores, "split": split, "files": len(cases)}
