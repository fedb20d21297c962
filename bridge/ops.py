"""Sparse-code operations: small pure functions on codes, applied between encode and decode.

A code is a non-negative float32 array (atoms, columns) — or batched (streams, atoms, columns) for
the functions that say so — where entry (a, c) is how strongly atom ``a`` plays at column ``c``.
``column_bars`` (from :meth:`bridge.geometry.CodeGeometry.column_bars`) gives each column's bar,
because the atom budget is counted per bar. No function modifies its input.

What each does musically:

- :func:`denoise` keeps fewer, stronger atoms: stray hits and ghost notes explained by weak atoms
  drop out, the backbone stays;
- :func:`interpolate` morphs groove A into groove B while keeping the atom budget (so the morph
  never gets busier than either groove), carrying each atom's own velocity and micro-timing;
- :func:`mute`, :func:`solo`, :func:`gain` silence, isolate or rebalance patterns;
- :func:`swap` borrows B's strongest patterns into A, bar by bar;
- :func:`shift` displaces patterns by whole code columns (one column = the model's stride);
- :func:`generate` samples new codes from how often and how strongly atoms fire in the training data;
- :func:`split_by_atom` separates a code into one code per active atom (they sum to the code).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sidl.bridge.errors import ParameterError
from sidl.bridge.sparse import keep_ranked, topk_bar

log = logging.getLogger(__name__)


def _code(code: np.ndarray, name: str = "code") -> np.ndarray:
    arr = np.asarray(code, dtype=np.float32)
    if arr.ndim not in (2, 3):
        raise ParameterError(f"{name} must be (atoms, columns) or (streams, atoms, columns), got shape {np.shape(code)}")
    if not np.isfinite(arr).all():
        raise ParameterError(f"{name} holds NaN or infinite values")
    return arr


def check_unit(name: str, value: float) -> float:
    """``value`` as a float if it is a number within 0..1 (an amount, a mix), else a ParameterError."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)) or not 0.0 <= float(value) <= 1.0:
        raise ParameterError(f"{name} must be a number in [0, 1], got {value!r}")
    return float(value)


def _k(k: int) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ParameterError(f"k must be an integer >= 1, got {k!r}")
    return int(k)


def _atom_indices(code: np.ndarray, atoms: Iterable[int]) -> list[int]:
    n = code.shape[-2]
    out = []
    for a in atoms:
        if isinstance(a, bool) or not isinstance(a, (int, np.integer)) or not 0 <= a < n:
            raise ParameterError(f"atom index {a!r} is out of range; valid atoms are 0..{n - 1}")
        out.append(int(a))
    return out


def denoise(code: np.ndarray, amount: float, *, k: int, column_bars: np.ndarray,
            threshold: float | None = None) -> np.ndarray:
    """Keep fewer, stronger atoms.

    ``amount`` 0 keeps ``k`` atoms per bar (the trained budget: plain reconstruction); 1 keeps the
    single strongest atom per bar; in between, ``max(1, round(k − amount·(k − 1)))``. Entries weaker
    than ``threshold`` × the bar's strongest are dropped too (default ``0.5·amount``, so 0 drops
    nothing). Works on one code or a batch.
    """
    arr = _code(code)
    amount = check_unit("amount", amount)
    k = _k(k)
    limit = 0.5 * amount if threshold is None else check_unit("threshold", threshold)
    keep = max(1, int(round(k - amount * (k - 1))))
    out = keep_ranked(arr if arr.ndim == 3 else arr[None], column_bars, keep, limit)
    return out if arr.ndim == 3 else out[0]


def interpolate(code_a: np.ndarray, code_b: np.ndarray, t: float, *, k: int, column_bars: np.ndarray) -> np.ndarray:
    """Morph: per bar, the ``k`` strongest entries of ``(1 − t)·A + t·B``.

    The seed averaged the codes, which doubles the active atoms (a busier groove than either). Here
    the union of both codes competes for the model's budget: as ``t`` rises, B's atoms grow and
    displace A's, one by one, the strongest first. At ``t = 0`` the result is A's code and at
    ``t = 1`` B's, exactly (when each has at most ``k`` atoms per bar); every entry moves
    monotonically from A's value toward B's in between.
    """
    a, b = _code(code_a, "code_a"), _code(code_b, "code_b")
    if a.shape != b.shape:
        raise ParameterError(f"codes must have the same shape to interpolate, got {a.shape} and {b.shape}")
    t = check_unit("t", t)
    mixed = ((1.0 - t) * a + t * b).astype(np.float32)
    return topk_bar(mixed, _k(k), column_bars)


def mute(code: np.ndarray, atoms: Iterable[int]) -> np.ndarray:
    """Silence the listed atoms everywhere."""
    arr = _code(code).copy()
    arr[..., _atom_indices(arr, atoms), :] = 0.0
    return arr


def solo(code: np.ndarray, atoms: Iterable[int]) -> np.ndarray:
    """Keep only the listed atoms (``solo(c, s) + mute(c, s) == c``)."""
    arr = _code(code)
    keep = np.zeros(arr.shape[-2], dtype=bool)
    keep[_atom_indices(arr, atoms)] = True
    return np.where(keep[:, None], arr, np.float32(0)).astype(np.float32)


def gain(code: np.ndarray, gains: Mapping[int, float]) -> np.ndarray:
    """Scale atoms: ``{atom: factor}`` with factors >= 0 (0 mutes, 2 doubles the pattern's weight)."""
    arr = _code(code).copy()
    for atom, factor in gains.items():
        (index,) = _atom_indices(arr, [atom])
        if isinstance(factor, bool) or not isinstance(factor, (int, float, np.floating)) or not factor >= 0:
            raise ParameterError(f"gain for atom {index} must be a number >= 0, got {factor!r}")
        arr[..., index, :] *= np.float32(factor)
    return arr


def _strongest_entries(code: np.ndarray, entries: np.ndarray, n: int) -> np.ndarray:
    """The ``n`` strongest positive entries (flat indices into atoms·columns) among ``entries``."""
    flat = code.reshape(-1)
    vals = flat[entries]
    order = np.argsort(-vals, kind="stable")[:n]
    chosen = entries[order]
    return chosen[flat[chosen] > 0]


def swap(code_a: np.ndarray, code_b: np.ndarray, n: int, *, column_bars: np.ndarray) -> np.ndarray:
    """Per bar, replace A's ``n`` strongest atoms by B's ``n`` strongest (B's values, at B's columns).
    One stream's codes, (atoms, columns) each."""
    a, b = _code(code_a, "code_a"), _code(code_b, "code_b")
    if a.shape != b.shape or a.ndim != 2:
        raise ParameterError(f"swap takes two (atoms, columns) codes of one shape, got {a.shape} and {b.shape}")
    n = _k(n)
    bars = np.asarray(column_bars)
    atoms, cols = a.shape
    if bars.shape != (cols,):
        raise ParameterError(f"column_bars must have {cols} entries, got {bars.shape}")
    out = a.copy().reshape(-1)
    flat_b = b.reshape(-1)
    entry_bar = np.tile(bars, atoms)
    for bar in np.unique(bars):
        entries = np.flatnonzero(entry_bar == bar)
        out[_strongest_entries(a, entries, n)] = 0.0
        take = _strongest_entries(b, entries, n)
        out[take] = np.maximum(out[take], flat_b[take])
    return out.reshape(atoms, cols)


def shift(code: np.ndarray, columns: int, atoms: Sequence[int] | None = None) -> np.ndarray:
    """Move activations ``columns`` code columns later (negative: earlier); what moves past an
    edge is dropped, vacated columns are silent. ``atoms``: only these atoms move."""
    arr = _code(code)
    if isinstance(columns, bool) or not isinstance(columns, (int, np.integer)):
        raise ParameterError(f"columns must be an integer, got {columns!r}")
    cols = arr.shape[-1]
    moved = np.zeros_like(arr)
    s = int(columns)
    if abs(s) < cols:
        if s >= 0:
            moved[..., s:] = arr[..., : cols - s]
        else:
            moved[..., : cols + s] = arr[..., -s:]
    if atoms is None:
        return moved
    which = np.zeros(arr.shape[-2], dtype=bool)
    which[_atom_indices(arr, atoms)] = True
    return np.where(which[:, None], moved, arr).astype(np.float32)


def split_by_atom(code: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """One code per atom active anywhere, holding only that atom; the parts sum to ``code``."""
    arr = _code(code)
    if arr.ndim != 2:
        raise ParameterError(f"split_by_atom takes one (atoms, columns) code, got shape {arr.shape}")
    parts = []
    for atom in np.flatnonzero(np.abs(arr).sum(axis=1)):
        part = np.zeros_like(arr)
        part[atom] = arr[atom]
        parts.append((int(atom), part))
    return parts


@dataclass(frozen=True)
class AtomStats:
    """How each atom fires in training codes: ``frequency`` = fraction of bars where it is active;
    ``log_mean``/``log_std`` of log(activation) where it is active."""

    frequency: np.ndarray
    log_mean: np.ndarray
    log_std: np.ndarray

    def __post_init__(self) -> None:
        n = len(self.frequency)
        if not (len(self.log_mean) == len(self.log_std) == n) or n == 0:
            raise ParameterError(f"atom statistics need equal, non-zero lengths, got {len(self.frequency)}, "
                                 f"{len(self.log_mean)}, {len(self.log_std)}")
        if not ((self.frequency >= 0) & (self.frequency <= 1)).all():
            raise ParameterError("atom frequencies must lie in [0, 1]")
        if not (self.log_std >= 0).all() or not np.isfinite(self.log_mean).all():
            raise ParameterError("atom log_std must be >= 0 and log_mean finite")

    @property
    def atoms(self) -> int:
        return len(self.frequency)

    def to_dict(self) -> dict[str, Any]:
        return {"frequency": [round(float(v), 6) for v in self.frequency],
                "log_mean": [round(float(v), 5) for v in self.log_mean],
                "log_std": [round(float(v), 5) for v in self.log_std]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AtomStats:
        try:
            return cls(*(np.asarray(data[key], dtype=np.float64) for key in ("frequency", "log_mean", "log_std")))
        except (KeyError, TypeError, ValueError) as exc:
            raise ParameterError(f"atom statistics must hold frequency, log_mean and log_std lists ({exc})") from None

    @classmethod
    def from_codes(cls, codes: Iterable[np.ndarray], column_bars: Iterable[np.ndarray]) -> AtomStats:
        """Statistics of (atoms, columns) codes, each with its column → bar map."""
        count = None
        bars_total = 0
        values: list[list[float]] = []
        for code, bars in zip(codes, column_bars):
            arr = _code(code)
            bars = np.asarray(bars)
            if count is None:
                count = np.zeros(arr.shape[0])
                values = [[] for _ in range(arr.shape[0])]
            n_bars = int(bars.max()) + 1
            bars_total += n_bars
            active = np.zeros((arr.shape[0], n_bars), dtype=bool)
            for atom, col in zip(*np.nonzero(arr > 0)):
                active[atom, bars[col]] = True
                values[atom].append(float(np.log(arr[atom, col])))
            count += active.sum(axis=1)
        if count is None or bars_total == 0:
            raise ParameterError("no codes to compute atom statistics from")
        mean = np.array([np.mean(v) if v else 0.0 for v in values])
        std = np.array([np.std(v) if v else 0.0 for v in values])
        return cls(count / bars_total, mean, std)


def generate(stats: AtomStats, n_columns: int, *, k: int, column_bars: np.ndarray, temperature: float = 1.0,
             seed: int | None = None) -> np.ndarray:
    """Sample a (atoms, n_columns) code: per bar, up to ``k`` distinct atoms drawn in proportion to
    frequency^(1/temperature) (Gumbel top-k), each with a log-normal strength around its training
    mean, at a column of that bar chosen uniformly. Low temperature: the usual patterns; high: rarer
    ones. Same ``seed``, same code."""
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or not temperature > 0:
        raise ParameterError(f"temperature must be a number > 0, got {temperature!r}")
    k = _k(k)
    bars = np.asarray(column_bars)
    if bars.shape != (n_columns,):
        raise ParameterError(f"column_bars must have {n_columns} entries, got shape {bars.shape}")
    rng = np.random.default_rng(seed)
    usable = np.flatnonzero(stats.frequency > 0)
    code = np.zeros((stats.atoms, n_columns), np.float32)
    if len(usable) == 0:
        return code
    logits = np.log(stats.frequency[usable]) / temperature
    for bar in np.unique(bars):
        keys = logits + rng.gumbel(size=len(usable))
        chosen = usable[np.argsort(-keys, kind="stable")[: min(k, len(usable))]]
        cols = np.flatnonzero(bars == bar)
        for atom in chosen:
            z = rng.standard_normal()
            value = np.exp(stats.log_mean[atom] + temperature * stats.log_std[atom] * z)
            code[atom, rng.choice(cols)] += np.float32(value)
    return code
