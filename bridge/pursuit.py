"""Non-negative orthogonal matching pursuit over a learned dictionary (numpy only).

For models whose atoms are exactly one bar long and placed once per bar (kernel = stride = steps per
bar), every bar is its own small sparse-coding problem: find at most ``k`` atoms whose non-negative
combination (plus the decoder bias) is closest to the bar in squared error. Greedy pursuit solves it
far better than the one-pass amortised encoder: it picks the atom most correlated with what is still
unexplained, refits all chosen coefficients by least squares, and repeats. Measured on held-out
grooves it reconstructs better at every budget than the network encoder with refinement, and costs
``k`` dense correlations per bar, so it is also the cheaper path in the live engine.

All bars of all windows are coded at once (vectorised over bars); each bar keeps its own support.
"""

from __future__ import annotations

import logging

import numpy as np

from bridge.errors import ParameterError

log = logging.getLogger(__name__)

_EPS = 1e-9  # correlations at or below this are treated as "nothing left to explain"


def pursuit_patches(grid: np.ndarray, patch: int) -> np.ndarray:
    """(N, C, T) grids → (N, T/patch, C·patch) bar patches, in the dictionary's flattening order."""
    if grid.ndim != 3:
        raise ParameterError(f"grid must be (N, C, T), got shape {grid.shape}")
    n, c, t = grid.shape
    if t % patch or t == 0:
        raise ParameterError(f"grid length must be a positive multiple of {patch} steps, got {t}")
    return grid.reshape(n, c, t // patch, patch).transpose(0, 2, 1, 3).reshape(n, t // patch, c * patch)


def pursue(patches: np.ndarray, atoms: np.ndarray, k: int, bias: np.ndarray | None = None) -> np.ndarray:
    """Code every patch with at most ``k`` atoms, coefficients >= 0.

    ``patches`` (..., D) targets; ``atoms`` (A, D) dictionary rows (unit norm in sidl models, but any
    non-zero rows work); ``bias`` (D,) is subtracted first (the decoder adds it back). Returns
    (..., A) float32 codes with at most ``k`` non-zero entries per patch. An all-zero residual (a
    silent bar) gets an all-zero code.
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ParameterError(f"k must be an integer >= 1, got {k!r}")
    atoms = np.asarray(atoms, dtype=np.float64)
    if atoms.ndim != 2:
        raise ParameterError(f"atoms must be (A, D), got shape {atoms.shape}")
    a, d = atoms.shape
    patches = np.asarray(patches, dtype=np.float64)
    if patches.shape[-1] != d:
        raise ParameterError(f"patches have {patches.shape[-1]} values each but atoms have {d}")
    lead = patches.shape[:-1]
    x = patches.reshape(-1, d)
    if bias is not None:
        x = x - np.asarray(bias, dtype=np.float64).reshape(1, d)
    k = int(min(k, a))
    n = x.shape[0]
    padded = np.vstack([atoms, np.zeros((1, d))])  # row ``a`` = "no atom": keeps shapes rectangular
    support = np.full((n, k), a, dtype=np.int64)
    coef = np.zeros((n, k))
    residual = x.copy()
    eye = np.eye(k)
    for step in range(k):
        corr = np.empty((n, a + 1))
        corr[:, :a] = residual @ atoms.T
        np.put_along_axis(corr, support[:, :step], -np.inf, axis=1)  # each atom at most once per bar
        best = np.argmax(corr[:, :a], axis=1)
        useful = corr[np.arange(n), best] > _EPS
        support[:, step] = np.where(useful, best, a)
        sel = padded[support[:, : step + 1]]  # (n, s, D)
        gram = sel @ sel.transpose(0, 2, 1)
        empty = (support[:, : step + 1] == a).astype(np.float64)
        gram += eye[: step + 1, : step + 1] * empty[:, None, :]  # unit diagonal for "no atom" slots
        rhs = np.einsum("nsd,nd->ns", sel, x)
        c = np.linalg.solve(gram, rhs[..., None])[..., 0]
        # Non-negative codes (atom gains): a negative refit drops that atom's share to zero; measured
        # to match a full NNLS solve on held-out grooves.
        c = np.maximum(c, 0.0)
        coef[:, : step + 1] = c
        residual = x - np.einsum("ns,nsd->nd", c, sel)
    out = np.zeros((n, a + 1))
    np.put_along_axis(out, support, coef, axis=1)
    return out[:, :a].reshape(*lead, a).astype(np.float32)
