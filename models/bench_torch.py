"""The torch eager side of ``sidl bench engine``: the same encode → denoise → decode step as the
engine's, on the torch checkpoint, for the side-by-side comparison (bridge stays torch-free)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
import torch

from sidl.bridge import ops
from sidl.models.evaluate import LoadedModel

log = logging.getLogger(__name__)


def torch_step(checkpoint: str, coder: str, threads: int, bars: np.ndarray,
               amount: float = 0.5) -> Callable[[np.ndarray], np.ndarray] | None:
    """The step in torch eager, or None when there is no checkpoint of that name."""
    torch.set_num_threads(threads)
    try:
        model = LoadedModel.load(checkpoint).model
    except Exception as exc:  # no checkpoint of that name: nothing to compare with
        log.info("no torch checkpoint %r to compare with (%s)", checkpoint, exc)
        return None
    cfg = model.config

    @torch.no_grad()
    def step(batch: np.ndarray) -> np.ndarray:
        x = torch.from_numpy(batch)
        code = model.encode(x, coder=coder).numpy()
        cleaned = torch.from_numpy(ops.denoise(code, amount, k=cfg.k, column_bars=bars))
        return model.decode(cleaned).numpy()

    return step
