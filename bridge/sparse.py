"""k-winners-take-all on numpy codes, identical to :mod:`models.wta` (a test compares them).

Codes are (atoms, columns) or (streams, atoms, columns). Only strictly positive entries can win;
ties go to the lower atom, then the earlier column. Inputs are never modified.
"""

from __future__ import annotations

import numpy as np

from sidl.bridge.errors import ParameterError

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


def _ranked_entries(arr: np.ndarray, column_bars: np.ndarray) -> tuple[tuple[np.ndarray, ...], np.ndarray, np.ndarray]:
    """Positive entries of a (streams, atoms, columns) code in (stream, bar, −value, atom, column)
    order: returns their (stream, atom, column) indices, each entry's rank within its bar, and the
    value of the strongest entry of its bar."""
    bars = np.asarray(column_bars)
    n, atoms, cols = arr.shape
    if bars.shape != (cols,) or not np.issubdtype(bars.dtype, np.integer):
        raise ParameterError(f"column_bars must be {cols} integers (one per column), got shape {bars.shape}, "
                             f"dtype {bars.dtype}")
    if cols and bars.min() < 0:
        raise ParameterError(f"column_bars must be >= 0, got minimum {int(bars.min())}")
    stream, atom, col = np.nonzero(arr > 0)
    values = arr[stream, atom, col]
    group = stream * (int(bars.max()) + 1 if cols else 1) + bars[col]
    order = np.lexsort((col, atom, -values, group))  # the last key sorts first
    g = group[order]
    position = np.arange(len(g))
    start = np.maximum.accumulate(np.where(np.r_[True, g[1:] != g[:-1]], position, 0)) if len(g) else position
    ranked = (stream[order], atom[order], col[order])
    return ranked, position - start, values[order][start]


def topk_bar(a: np.ndarray, k: int, column_bars: np.ndarray) -> np.ndarray:
    """The k largest positive entries over (atoms × columns) of each bar.

    Only positive entries can win, so only they are ranked, which makes the usual case — an
    already sparse code — cheap.
    """
    arr, single = _prepare(a, k)
    out = keep_ranked(arr, column_bars, int(k), 0.0)
    return out[0] if single else out


def keep_ranked(arr: np.ndarray, column_bars: np.ndarray, k: int, relative: float) -> np.ndarray:
    """Per bar, the ``k`` strongest positive entries that are also >= ``relative`` × the bar's
    strongest; (streams, atoms, columns) in and out."""
    (stream, atom, col), rank, peak = _ranked_entries(arr, column_bars)
    win = rank < k
    if relative > 0:
        win &= arr[stream, atom, col] >= relative * peak
    out = np.zeros_like(arr)
    out[stream[win], atom[win], col[win]] = arr[stream[win], atom[win], col[win]]
    return out


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
    np.add.at(out.T, bars, per_column.T)  # bars index the last axis; .T puts it first (a view of out)
    return out
