"""Fitting the atoms to the coder that uses them: the method of optimal directions over pursuit codes.

The network encoder is what learns the dictionary during training, but at inference every bar is
coded by non-negative orthogonal matching pursuit over the atoms (:mod:`sidl.bridge.pursuit`).
The atoms the encoder left behind are good for the encoder, not the best for pursuit. This stage
closes that gap by alternating, on the training bars:

1. code every bar by pursuit at each budget of ``budgets`` (the same coder the live engine runs);
2. refit all atoms at once to those codes by least squares (MOD, Engan et al. 1999), with a ridge
   term that keeps each atom near its previous value (and leaves atoms no bar chose unchanged);
3. renormalise the atoms to unit norm (the model's ``atom_norm``), as training does.

Decoding stays a sum of atoms, so decomposition, mute/solo, swap and the atom pictures mean what
they meant.

A dictionary that says more says more of the noise too: refitted to clean bars only, the drum atoms
reconstruct far better (validation hit F1 0.882 → 0.898 at 4 atoms per bar, 0.948 → 0.970 at 8) but
``sidl denoise`` gains less with them (+0.034 → +0.018 F1). ``noisy_share`` codes that share of the
bars from a damaged copy while keeping the clean bar as the target, so the atoms learn to read damage
as the groove beneath it; the measured trade-off is in docs/evaluation.md.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sidl.bridge.errors import ParameterError
from sidl.bridge.pursuit import Pursuer, pursuit_patches

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PursuitFitConfig:
    """How the atoms are refitted to pursuit codes after the epochs (see module doc)."""

    rounds: int = 8
    budgets: list[int] = field(default_factory=lambda: [4, 8])  # atoms per bar the codes are drawn at
    ridge: float = 1.0  # pull toward the previous atoms (in units of the codes' Gram matrix)
    max_bars: int = 40_000  # bars per round (a random subset when the training set has more)
    # share of the bars coded from a damaged copy (the training's corruption), the target still the
    # clean bar: atoms that read a damaged bar as its clean self (what denoising relies on)
    noisy_share: float = 0.0

    def __post_init__(self) -> None:
        if self.rounds < 0:
            raise ParameterError(f"pursuit_fit.rounds must be >= 0, got {self.rounds}")
        if not self.budgets or any(isinstance(b, bool) or not isinstance(b, int) or b < 1 for b in self.budgets):
            raise ParameterError(f"pursuit_fit.budgets must be a non-empty list of integers >= 1, got {self.budgets}")
        if self.ridge < 0 or self.max_bars < 1:
            raise ParameterError(f"pursuit_fit needs ridge >= 0 and max_bars >= 1, got {self.ridge}, {self.max_bars}")
        if not 0.0 <= self.noisy_share <= 1.0:
            raise ParameterError(f"pursuit_fit.noisy_share must be within 0..1, got {self.noisy_share}")

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> PursuitFitConfig:
        known = {"rounds", "budgets", "ridge", "max_bars", "noisy_share"}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ParameterError(f"unknown pursuit_fit keys {unknown}; expected some of {sorted(known)}")
        return cls(**raw)


def bar_patches(grids: Sequence[np.ndarray], steps_per_bar: int, *, keep_silent: bool = False) -> np.ndarray:
    """Every non-silent bar of ``grids`` ((C, T) each, the last bar padded with silence) as a
    (bars, C·steps_per_bar) patch in the dictionary's flattening order (``keep_silent``: every bar)."""
    out = []
    for grid in grids:
        g = np.asarray(grid, np.float32)
        padded = -(-g.shape[1] // steps_per_bar) * steps_per_bar
        g = np.pad(g, ((0, 0), (0, padded - g.shape[1])))
        out.append(pursuit_patches(g[None], steps_per_bar)[0])
    patches = np.concatenate(out) if out else np.zeros((0, 0), np.float32)
    if keep_silent or not len(patches):
        return patches
    return patches[np.abs(patches).sum(axis=1) > 0]


def fit_atoms(atoms: np.ndarray, bias: np.ndarray | None, patches: np.ndarray, config: PursuitFitConfig, *,
              noisy: np.ndarray | None = None, seed: int = 0,
              report: Callable[[int, float], None] | None = None) -> np.ndarray:
    """(A, D) unit-norm atoms refitted to pursuit codes of ``patches`` (N, D); ``bias`` (D,) is the
    decoder's, kept fixed. ``noisy`` (N, D): a damaged copy of each patch, coded instead of it for
    ``config.noisy_share`` of the bars each round. ``report(round, mean squared error)`` is called
    after each round."""
    d = np.asarray(atoms, np.float64).copy()
    a, dim = d.shape
    x_all = np.asarray(patches, np.float64)
    if x_all.ndim != 2 or x_all.shape[1] != dim:
        raise ParameterError(f"patches must be (bars, {dim}), got shape {x_all.shape}")
    if not len(x_all):
        raise ParameterError("pursuit fit needs at least one non-silent training bar")
    if config.noisy_share > 0 and (noisy is None or np.shape(noisy) != x_all.shape):
        raise ParameterError(f"noisy_share {config.noisy_share} needs a damaged copy of every patch, shape {x_all.shape}")
    n_all = None if noisy is None else np.asarray(noisy, np.float64)
    if bias is not None:
        x_all = x_all - np.asarray(bias, np.float64).reshape(1, dim)
        n_all = None if n_all is None else n_all - np.asarray(bias, np.float64).reshape(1, dim)
    rng = np.random.default_rng(seed)
    for round_ in range(config.rounds):
        started = time.perf_counter()
        take = rng.choice(len(x_all), size=min(len(x_all), config.max_bars), replace=False)
        x = x_all[take]
        coded = x
        if n_all is not None and config.noisy_share > 0:
            damaged = rng.random(len(take)) < config.noisy_share
            coded = np.where(damaged[:, None], n_all[take], x)
        pursuer = Pursuer(d.astype(np.float32))
        codes = np.concatenate([pursuer.code(coded.astype(np.float32), k).astype(np.float64) for k in config.budgets])
        targets = np.concatenate([x] * len(config.budgets))
        gram = codes.T @ codes + config.ridge * np.eye(a)
        new = np.linalg.solve(gram, codes.T @ targets + config.ridge * d)
        chosen = np.abs(codes).sum(axis=0) > 0
        new[~chosen] = d[~chosen]  # an atom no bar chose keeps its shape (it may serve other grooves)
        d = new / np.maximum(np.linalg.norm(new, axis=1, keepdims=True), 1e-12)
        error = float(((targets - codes @ d) ** 2).sum() / len(targets))
        log.info("pursuit fit round %d: error %.4f, %d atoms unused, %.1f s", round_, error, int((~chosen).sum()),
                 time.perf_counter() - started)
        if report is not None:
            report(round_, error)
    return d.astype(np.float32)
