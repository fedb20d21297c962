"""The exact features of every indexed file, column by column, and exact cosines over them.

A library keeps what ``sidl similar`` compares (:func:`sidl.bridge.analysis.similar.features`: the
sparse code, or what it plays through the dictionary) for every file, all files' columns one after
the other. Codes are stored *sparse* (a k-WTA code has a handful of non-zero atoms per column: 4 of
1,024 for the drum model, so 100,000 files take tens of MB instead of GB); the dictionary features
are dense. Both give the same dense blocks back, so the exact re-ranking and the exact reference
search do not care which.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sidl.bridge.errors import DatasetError

log = logging.getLogger(__name__)

KINDS = ("sparse", "dense")
_CHUNK_COLUMNS = 1 << 18  # dense products over all columns go this many columns at a time (bounded memory)


@dataclass
class Columns:
    """Feature columns of one or many files: ``rows`` values each (atoms or channels).

    ``sparse``: column ``c`` holds ``value[ptr[c]:ptr[c+1]]`` at rows ``index[ptr[c]:ptr[c+1]]``;
    ``dense``: ``dense[c]`` is column ``c``.
    """

    kind: str
    rows: int
    ptr: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))
    index: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    value: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    dense: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))
    _column_of: np.ndarray | None = field(default=None, repr=False)  # the column of every sparse entry

    @classmethod
    def from_features(cls, features: np.ndarray, kind: str) -> Columns:
        """One file's (rows, columns) features."""
        x = np.asarray(features, dtype=np.float32)
        if kind == "dense":
            return cls("dense", x.shape[0], dense=np.ascontiguousarray(x.T))
        if kind != "sparse":
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        cols, rows = np.nonzero(x.T)  # column-major order: each column's entries together
        counts = np.bincount(cols, minlength=x.shape[1])
        ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return cls("sparse", x.shape[0], ptr=ptr, index=rows.astype(np.int32), value=x.T[cols, rows].astype(np.float32))

    @property
    def n_columns(self) -> int:
        return len(self.ptr) - 1 if self.kind == "sparse" else int(self.dense.shape[0])

    @property
    def nbytes(self) -> int:
        if self.kind == "sparse":
            return int(self.ptr.nbytes + self.index.nbytes + self.value.nbytes)
        return int(self.dense.nbytes)

    # ------------------------------------------------------------------ slicing and joining
    def slice(self, lo: int, hi: int) -> Columns:
        """Columns ``lo``..``hi`` (exclusive) as their own (copied) Columns."""
        if self.kind == "dense":
            return Columns("dense", self.rows, dense=np.array(self.dense[lo:hi], np.float32))
        a, b = int(self.ptr[lo]), int(self.ptr[hi])
        return Columns("sparse", self.rows, ptr=np.asarray(self.ptr[lo : hi + 1], np.int64) - a,
                       index=np.array(self.index[a:b], np.int32), value=np.array(self.value[a:b], np.float32))

    @classmethod
    def concat(cls, parts: Sequence[Columns], kind: str, rows: int) -> Columns:
        """All ``parts`` one after the other (an empty list gives zero columns)."""
        for part in parts:
            if part.kind != kind or part.rows != rows:
                raise ValueError(f"cannot join {part.kind} columns of {part.rows} rows to {kind} of {rows}")
        if kind == "dense":
            dense = np.concatenate([p.dense for p in parts]) if parts else np.zeros((0, rows), np.float32)
            return cls("dense", rows, dense=np.ascontiguousarray(dense, np.float32))
        counts = np.concatenate([np.diff(p.ptr) for p in parts]) if parts else np.zeros(0, np.int64)
        ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        index = np.concatenate([p.index for p in parts]).astype(np.int32) if parts else np.zeros(0, np.int32)
        value = np.concatenate([p.value for p in parts]).astype(np.float32) if parts else np.zeros(0, np.float32)
        return cls("sparse", rows, ptr=ptr, index=index, value=value)

    # ------------------------------------------------------------------ dense views
    def windows(self, starts: np.ndarray, length: int) -> np.ndarray:
        """(len(starts), length·rows) float32: the ``length`` columns from each start, flattened
        column after column (the order every section vector uses)."""
        starts = np.asarray(starts, dtype=np.int64)
        if self.kind == "dense":
            picked = self.dense[starts[:, None] + np.arange(length)[None, :]]  # (n, length, rows)
            return np.ascontiguousarray(picked.reshape(len(starts), length * self.rows), dtype=np.float32)
        out = np.zeros((len(starts), length * self.rows), np.float32)
        for j in range(length):
            first = self.ptr[starts + j]
            counts = self.ptr[starts + j + 1] - first
            owner = np.repeat(np.arange(len(starts)), counts)
            entry = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(first, counts)
            out[owner, j * self.rows + self.index[entry]] = self.value[entry]
        return out

    def block(self, lo: int, hi: int) -> np.ndarray:
        """(rows, hi − lo) float32: the features of columns ``lo``..``hi`` as ``features`` gave them."""
        return self.windows(np.array([lo]), hi - lo).reshape(hi - lo, self.rows).T.copy()

    # ------------------------------------------------------------------ exact cosines
    def _entry_columns(self) -> np.ndarray:
        if self._column_of is None:
            self._column_of = np.repeat(np.arange(self.n_columns, dtype=np.int64), np.diff(self.ptr))
        return self._column_of

    def column_products(self, query: np.ndarray) -> np.ndarray:
        """(n_columns, L) float64: every stored column against every column of ``query`` (rows, L)."""
        q = np.asarray(query, dtype=np.float64)
        if self.kind == "dense":
            out = np.empty((self.n_columns, q.shape[1]))
            for lo in range(0, self.n_columns, _CHUNK_COLUMNS):
                out[lo : lo + _CHUNK_COLUMNS] = np.asarray(self.dense[lo : lo + _CHUNK_COLUMNS], np.float64) @ q
            return out
        columns = self._entry_columns()
        value = np.asarray(self.value, np.float64)
        index = np.asarray(self.index)
        return np.stack([np.bincount(columns, weights=value * q[index, j], minlength=self.n_columns)
                         for j in range(q.shape[1])], axis=1) if q.shape[1] else np.zeros((self.n_columns, 0))

    def products_at(self, columns: np.ndarray, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For the given columns only: their products with every query column (n, L) and their
        squared norms (n,), float64 (what re-ranking a few thousand windows needs, without building them)."""
        q = np.asarray(query, dtype=np.float64)
        cols = np.asarray(columns, dtype=np.int64)
        if self.kind == "dense":
            block = np.asarray(self.dense[cols], np.float64)
            return block @ q, (block * block).sum(axis=1)
        first = self.ptr[cols]
        counts = self.ptr[cols + 1] - first
        owner = np.repeat(np.arange(len(cols)), counts)
        entry = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(first, counts)
        value = np.asarray(self.value[entry], np.float64)
        weighted = value[:, None] * q[np.asarray(self.index[entry])]
        products = np.zeros((len(cols), q.shape[1]))
        np.add.at(products, owner, weighted)
        return products, np.bincount(owner, weights=value * value, minlength=len(cols))

    def column_norms2(self) -> np.ndarray:
        """(n_columns,) float64: each column's squared norm."""
        if self.kind == "dense":
            out = np.empty(self.n_columns)
            for lo in range(0, self.n_columns, _CHUNK_COLUMNS):
                chunk = np.asarray(self.dense[lo : lo + _CHUNK_COLUMNS], np.float64)
                out[lo : lo + _CHUNK_COLUMNS] = (chunk * chunk).sum(axis=1)
            return out
        value = np.asarray(self.value, np.float64)
        return np.bincount(self._entry_columns(), weights=value * value, minlength=self.n_columns)

    def all_window_cosines(self, query: np.ndarray, norms2: np.ndarray | None = None) -> np.ndarray:
        """Cosine of ``query`` (rows, L) with the L columns from every start (n_columns − L + 1,):
        the exact reference, computed like :func:`~sidl.bridge.analysis.similar.sliding_cosine`
        (windows that run over a file's end are the caller's to ignore; 0 where a window is silent)."""
        q = np.asarray(query, dtype=np.float64)
        length = q.shape[1]
        n = self.n_columns
        if n < length:
            return np.zeros(0)
        products = self.column_products(q)
        offsets = n - length + 1
        dots = np.zeros(offsets)
        for j in range(length):
            dots += products[j : j + offsets, j]
        norms2 = self.column_norms2() if norms2 is None else norms2
        cum = np.concatenate([[0.0], np.cumsum(norms2)])
        window = np.sqrt(np.maximum(cum[length:] - cum[:-length], 0.0))
        qnorm = float(np.sqrt((q * q).sum()))
        if qnorm == 0:
            return np.zeros(offsets)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(window > 0, dots / (qnorm * window), 0.0)

    # ------------------------------------------------------------------ files
    def arrays(self) -> dict[str, np.ndarray]:
        """What is saved, by name."""
        if self.kind == "dense":
            return {"dense": self.dense}
        return {"ptr": self.ptr, "index": self.index, "value": self.value}

    @classmethod
    def from_arrays(cls, kind: str, rows: int, arrays: dict[str, np.ndarray]) -> Columns:
        try:
            if kind == "dense":
                return cls("dense", rows, dense=arrays["dense"])
            return cls("sparse", rows, ptr=arrays["ptr"], index=arrays["index"], value=arrays["value"])
        except KeyError as exc:
            raise DatasetError(f"library columns lack their {exc.args[0]!r} array") from None


def load_array(path: Path, *, mmap: bool) -> np.ndarray:
    """A saved array (memory-mapped when asked), or :class:`DatasetError` naming the file."""
    try:
        return np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise DatasetError(f"{path}: cannot read this library file ({exc})") from None
