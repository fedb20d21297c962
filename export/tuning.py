"""What an export measures on data and stores in the model's metadata.

- :func:`atom_statistics`: how often each atom is active per bar, and how strongly, over the codes of
  the training split (what ``generate`` samples from);
- :func:`tune_denoise`: the curve of ``sidl denoise`` on damaged validation grooves (two corruption
  seeds) and the default amount it gives, measured on the exported model itself (the default of
  ``sidl denoise``, ``/sidl/denoise`` and the filter's strength);
- :func:`real_parity_windows`: a few real windows for the export's parity check.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import torch

from sidl.bridge.codecs import get_codec
from sidl.bridge.geometry import CodeGeometry
from sidl.bridge.ops import AtomStats
from sidl.models.autoencoder import ConvWTAAutoencoder
from sidl.models.datasets import cut_windows, discover, encode_items
from sidl.models.evaluate import CLEAN_F1_FLOOR, denoise_curve, eval_kind, load_eval_set, tuned_amount

log = logging.getLogger(__name__)

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


def tune_denoise(engine: Any, data_dir: str | Path, *, split: str = "validation", max_files: int | None = None,
                 seeds: tuple[int, ...] = (0, 1)) -> dict[str, Any]:
    """The denoising curve of the exported model (``engine``: what ``sidl denoise`` runs) on the damaged
    copies of ``split`` for every corruption seed, and the default amount it gives: the largest mean
    F1 gain that leaves clean grooves at F1 >= :data:`~sidl.models.evaluate.CLEAN_F1_FLOOR`.

    Only for codecs whose evaluation has a denoising benchmark (drums: the corruption is defined on
    grooves); the others keep amount 0 (nothing changed)."""
    codec = engine.codec
    kind = eval_kind(codec)
    if not kind.corrupt:
        return {"amount": 0.0, "note": "no denoising benchmark for this codec"}
    sets = [load_eval_set(data_dir, split, codec, corrupt=True, max_files=max_files, corruption_seed=s) for s in seeds]
    curve = denoise_curve(engine, sets, kind)
    amount = tuned_amount(curve)
    log.info("denoise curve on %s: %s (default %s)", split, curve["curve"], amount)
    return {"amount": amount, "rule": f"largest mean F1 gain with clean-groove F1 >= {CLEAN_F1_FLOOR}",
            "split": split, "files": len(sets[0].files), "seeds": list(seeds), "noisy_f1": curve["noisy_f1"],
            "curve": curve["curve"]}
