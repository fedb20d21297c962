"""k-winners-take-all on numpy codes, identical to :mod:`models.wta` (a test compares them).

Codes are (atoms, columns) or (streams, atoms, columns). Only strictly positive entries can win;
ties go to the lower atom, then the earlier column. Inputs are never modified.
"""

from __future__ import annotations

import numpy as np

from bridge.errors import ParameterError

AXES = ("atoms", "time", "bar")


def _prepare(a: np.ndarray, k: int) -> tuple[np.ndarray, bool]:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ParameterError(f"k must be an integer >= 1, got {k!r}")
    arr = np.asarray(a, dtype=np.float32)
    single = arr.ndim == 2
    if single:
        arr = arr[None]
    if arr.ndim != 3:
        raise ParameterError(f"code must be (atoms, columns) or (streams, atoms, columns), got shape {np.shape(a)}")
    return arr, single


def _topk_mask(a: np.ndarray, k: int, axis: int) -> np.ndarray:
    if k >= a.shape[axis]:
        return np.ones(a.shape, dtype=bool)
    order = np.argsort(-a, axis=axis, kind="stable")  # stable: ties keep index order
    winners = np.take(order, np.arange(k), axis=axis)
    mask = np.zeros(a.shape, dtype=bool)
    np.put_along_axis(mask, winners, True, axis=axis)
    return mask


def _finish(a: np.ndarray, mask: np.ndarray, single: bool) -> np.ndarray:
    out = np.where(mask & (a > 0), a, np.float32(0)).astype(np.float32)
    return out[0] if single else out


def topk_atoms(a: np.ndarray, k: int) -> np.ndarray:
    """In every column, the k largest positive atoms."""
    arr, single = _prepare(a, k)
    return _finish(arr, _topk_mask(arr, int(k), 1), single)


def topk_time(a: np.ndarray, k: int) -> np.ndarray:
    """For every atom, its k largest positive columns."""
    arr, single = _prepare(a, k)
    return _finish(arr, _topk_mask(arr, int(k), 2), single)


def topk_bar(a: np.ndarray, k: int, column_bars: np.ndarray) -> np.ndarray:
    """The k largest positive entries over (atoms × columns) of each bar."""
    arr, single = _prepare(a, k)
    bars = np.asarray(column_bars)
    n, atoms, cols = arr.shape
    if bars.shape != (cols,) or not np.issubdtype(bars.dtype, np.integer):
        raise ParameterError(f"column_bars must be {cols} integers (one per column), got shape {bars.shape}, "
                             f"dtype {bars.dtype}")
    if cols == 0:
        return arr[0].copy() if single else arr.copy()
    if bars.min() < 0:
        raise ParameterError(f"column_bars must be >= 0, got minimum {int(bars.min())}")
    flat = arr.reshape(n, atoms * cols)  # entry e = atom * cols + column, as in models.wta
    entry_bar = np.tile(bars, atoms)
    mask = np.zeros_like(flat, dtype=bool)
    for bar in np.unique(bars):
        entries = np.flatnonzero(entry_bar == bar)
        if k >= len(entries):
            mask[:, entries] = True
            continue
        order = np.argsort(-flat[:, entries], axis=1, kind="stable")[:, : int(k)]
        np.put_along_axis(mask, entries[order], True, axis=1)
    return _finish(arr, mask.reshape(n, atoms, cols), single)


def sparsify(a: np.ndarray, axis: str, k: int, column_bars: np.ndarray | None = None) -> np.ndarray:
    """Dispatch on the WTA axis (``"bar"`` needs ``column_bars``)."""
    if axis == "atoms":
        return topk_atoms(a, k)
    if axis == "time":
        return topk_time(a, k)
    if axis == "bar":
        if column_bars is None:
            raise ParameterError("wta axis 'bar' needs column_bars (the bar of every code column)")
        return topk_bar(a, k, column_bars)
    raise ParameterError(f"wta axis must be one of {', '.join(map(repr, AXES))}, got {axis!r}")


def active_per_bar(code: np.ndarray, column_bars: np.ndarray) -> np.ndarray:
    """Non-zero entries in each bar: (bars,) for one code, (streams, bars) for a batch."""
    arr = np.asarray(code)
    bars = np.asarray(column_bars)
    n_bars = int(bars.max()) + 1 if bars.size else 0
    per_column = (arr != 0).sum(axis=-2)  # (..., columns)
    out = np.zeros(per_column.shape[:-1] + (n_bars,), dtype=np.int64)
    np.add.at(out, (..., bars), per_column)
    return out
