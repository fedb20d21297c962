"""Writing shards: grids appended one file after another, a new shard when one is full.

Each shard is written to a hidden ``.shard-NNNNN.npy.partial`` beside its final name: a fixed-size
``.npy`` header (shape unknown yet), then each file's ``(steps, channels)`` block as it arrives.
When the shard is full (or the run ends) the header is rewritten with the real shape, the file is
flushed to disk and renamed to ``shard-NNNNN.npy`` (atomic), and its step lengths are saved beside
it. Only the current shard's step lengths are held in memory (4 bytes a step); grids are never
collected. New shards always get numbers no existing file has, so a run never overwrites a shard
the previous index names.
"""

from __future__ import annotations

import io
import logging
import os
from pathlib import Path
from typing import BinaryIO

import numpy as np

from sidl.bridge.errors import OutputError
from sidl.bridge.safe_io import reason, write_atomic
from sidl.bridge.shards.store import ShardInfo, seconds_name, shard_name

log = logging.getLogger(__name__)

PARTIAL_SUFFIX = ".partial"
#: A version-1.0 .npy header is padded to a multiple of 64 bytes; a 2-D shape fits in 128.
HEADER_BYTES = 128


def npy_header(shape: tuple[int, ...], dtype: np.dtype) -> bytes:
    """The ``.npy`` header (magic included) of a C-ordered array, padded to :data:`HEADER_BYTES`."""
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buf, {"descr": np.lib.format.dtype_to_descr(dtype), "fortran_order": False, "shape": shape})
    header = buf.getvalue()
    if len(header) != HEADER_BYTES:  # numpy pads to 64; only an absurd shape could need more
        raise OutputError(f"cannot write a shard of shape {shape}: its header needs {len(header)} bytes")
    return header


class ShardWriter:
    """Appends grids to numbered shards in ``root``, rolling over at ``max_bytes``."""

    def __init__(self, root: Path, *, channels: int, dtype: str, max_bytes: int, first_number: int) -> None:
        self.root = root
        self.channels = channels
        self.dtype = np.dtype(dtype)
        self.max_bytes = max_bytes
        self.next_number = first_number
        self.written: list[ShardInfo] = []  # finished shards, in order
        self._fh: BinaryIO | None = None
        self._partial: Path | None = None
        self._number = -1
        self._steps = 0
        self._seconds: list[np.ndarray] = []

    @property
    def current_name(self) -> str:
        return shard_name(self._number)

    def append(self, grid: np.ndarray, seconds: np.ndarray) -> tuple[str, int]:
        """Append one file's ``(steps, channels)`` grid; returns (shard file name, start step)."""
        if grid.ndim != 2 or grid.shape[1] != self.channels or seconds.shape != (grid.shape[0],):
            raise ValueError(f"expected a (steps, {self.channels}) grid and (steps,) seconds, "
                             f"got {grid.shape} and {seconds.shape}")
        block = np.ascontiguousarray(grid, dtype=self.dtype)
        if self._fh is not None and self._steps and (self._steps * self.channels * self.dtype.itemsize
                                                     + block.nbytes > self.max_bytes):
            self._finish()
        if self._fh is None:
            self._start()
        assert self._fh is not None and self._partial is not None
        start = self._steps
        try:
            self._fh.write(block.tobytes())
        except OSError as exc:
            raise OutputError(f"cannot write {self._partial}: {reason(exc)}") from None
        self._steps += block.shape[0]
        self._seconds.append(np.asarray(seconds, dtype=np.float32))
        return self.current_name, start

    def close(self) -> list[ShardInfo]:
        """Finish the current shard; the shards written, in order."""
        if self._fh is not None:
            self._finish()
        return self.written

    def abort(self) -> None:
        """Drop the unfinished shard (a failed or interrupted run)."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        if self._partial is not None:
            self._partial.unlink(missing_ok=True)
            self._partial = None

    def _start(self) -> None:
        self._number = self.next_number
        self.next_number += 1
        self._partial = self.root / f".{shard_name(self._number)}{PARTIAL_SUFFIX}"
        try:
            self._fh = open(self._partial, "wb")
            self._fh.write(b"\0" * HEADER_BYTES)  # the real header, with the shape, is written at the end
        except OSError as exc:
            raise OutputError(f"cannot write {self._partial}: {reason(exc)}") from None
        self._steps = 0
        self._seconds = []

    def _finish(self) -> None:
        assert self._fh is not None and self._partial is not None
        name = shard_name(self._number)
        final = self.root / name
        try:
            self._fh.seek(0)
            self._fh.write(npy_header((self._steps, self.channels), self.dtype))
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
            self._fh = None
            os.replace(self._partial, final)
        except OSError as exc:
            self.abort()
            raise OutputError(f"cannot write {final}: {reason(exc)}") from None
        self._partial = None
        seconds = np.concatenate(self._seconds) if self._seconds else np.zeros(0, np.float32)
        write_atomic(self.root / seconds_name(self._number), lambda fh: np.save(fh, seconds, allow_pickle=False))
        self.written.append(ShardInfo(name, seconds_name(self._number), self._steps))
        log.debug("wrote %s: %d steps", name, self._steps)
