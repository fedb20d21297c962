"""Training windows, streamed: from a shard folder (:mod:`sidl.bridge.shards.store`) without ever loading
the corpus, or from windows already in memory (a MIDI folder), through one interface.

A :class:`WindowTable` is the corpus's list of training windows as two integer arrays (which file,
which first step), built in one pass over the shards' memory maps: windows of ``window`` steps every
``hop`` steps, the last one zero-padded, kept when they hold ``min_hits`` hits: the rule of
:func:`sidl.models.datasets.cut_windows`. The windows themselves are read from the memory maps batch by
batch, when a rank needs them.

Each epoch has one global order, the same on every rank (drawn from the epoch's generator): shards in
a shuffled order, ``interleave`` of them at a time dealt out in turn (each shuffled within), through a
shuffle buffer of ``shuffle_buffer`` windows. Reads stay within a few shards at a time, and windows of
different shards meet in one batch. :class:`EpochBatches` cuts that order into global batches and hands
each rank its fixed contiguous share (:func:`sidl.models.distributed.share_bounds`): every rank runs
the same number of steps, the shares together are the global batch, and no window is dropped (a rank
whose share of a short last batch is empty steps on a placeholder weighted zero, see models.train).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import torch
from torch.utils.data import IterableDataset

from sidl.bridge.errors import DatasetError
from sidl.bridge.shards.store import ShardFile, ShardSet
from sidl.models.distributed import DistEnv, share_bounds

log = logging.getLogger(__name__)

#: Windows held by the shuffle buffer (indices only: 8,192 windows are 64 KB, not their grids).
SHUFFLE_BUFFER = 8192
#: Shards read from at once, their windows dealt out in turn into the shuffle buffer.
INTERLEAVE = 4
#: HIT threshold of cut_windows (a hit cell is > 0.5).
_HIT = 0.5


@dataclass(frozen=True)
class WindowGeometry:
    """How windows are cut: ``window`` steps every ``hop`` steps, kept with ``min_hits`` hits or more
    in the first ``hit_rows`` channels."""

    window: int
    hop: int
    hit_rows: int
    min_hits: int = 1


class WindowSource(Protocol):
    """Windows a training run can read: ``len`` of them, ``(C, window)`` each."""

    def __len__(self) -> int: ...

    def order(self, gen: torch.Generator) -> np.ndarray:
        """One epoch's global order of window indices, drawn from ``gen`` (the same on every rank)."""
        ...

    def read(self, indices: np.ndarray) -> torch.Tensor:
        """The windows at ``indices`` as a float32 ``(n, C, window)`` tensor."""
        ...


class MemoryWindows:
    """Windows already cut and held in memory (a MIDI folder's, encoded at start)."""

    def __init__(self, windows: torch.Tensor) -> None:
        self.windows = windows

    def __len__(self) -> int:
        return len(self.windows)

    def order(self, gen: torch.Generator) -> np.ndarray:
        return torch.randperm(len(self.windows), generator=gen).numpy()

    def read(self, indices: np.ndarray) -> torch.Tensor:
        return self.windows[torch.from_numpy(np.asarray(indices, dtype=np.int64))]


def window_starts(steps: int, window: int, hop: int) -> np.ndarray:
    """First steps of a file's windows, as cut_windows cuts them (the last may run past the end)."""
    return np.arange(0, max(1, steps - window + hop), hop, dtype=np.int64)


@dataclass
class WindowTable:
    """The windows of some files of a shard folder: ``files[file[i]]`` from step ``start[i]``."""

    files: list[ShardFile]
    file: np.ndarray  # int32 (n,)
    start: np.ndarray  # int32 (n,)

    def __len__(self) -> int:
        return len(self.file)

    @classmethod
    def build(cls, shards: ShardSet, files: list[ShardFile], geometry: WindowGeometry) -> WindowTable:
        """One pass over ``files``, reading only their hit rows, one file at a time."""
        file_ids: list[np.ndarray] = []
        starts: list[np.ndarray] = []
        for i, f in enumerate(files):
            hits = (shards.shard(f.shard)[f.start : f.start + f.steps, : geometry.hit_rows] > _HIT).sum(axis=1)
            cumulative = np.concatenate([[0], np.cumsum(hits)])
            s = window_starts(f.steps, geometry.window, geometry.hop)
            counts = cumulative[np.minimum(s + geometry.window, f.steps)] - cumulative[s]
            kept = s[counts >= geometry.min_hits]
            file_ids.append(np.full(len(kept), i, dtype=np.int32))
            starts.append(kept.astype(np.int32))
        if not files or not sum(len(s) for s in starts):
            raise DatasetError(f"{shards.root}: no window with any note in {len(files)} files: is the split empty or "
                               f"the window ({geometry.window} steps) longer than every file?")
        return cls(files, np.concatenate(file_ids), np.concatenate(starts))

    def take(self, indices: np.ndarray) -> WindowTable:
        return WindowTable(self.files, self.file[indices], self.start[indices])

    def shard_of(self) -> np.ndarray:
        """The shard each window lies in."""
        per_file = np.array([f.shard for f in self.files], dtype=np.int64)
        return per_file[self.file]


class ShardWindows:
    """The windows of a :class:`WindowTable`, read from the shards' memory maps when asked for."""

    def __init__(self, shards: ShardSet, table: WindowTable, window: int, *,
                 shuffle_buffer: int = SHUFFLE_BUFFER, interleave: int = INTERLEAVE) -> None:
        self.shards = shards
        self.table = table
        self.window = window
        self.shuffle_buffer = shuffle_buffer
        self.interleave = interleave

    def __len__(self) -> int:
        return len(self.table)

    def order(self, gen: torch.Generator) -> np.ndarray:
        rng = np.random.default_rng(int(torch.randint(2**62, (1,), generator=gen)))
        return streaming_order(self.table.shard_of(), rng, shuffle_buffer=self.shuffle_buffer,
                               interleave=self.interleave)

    def read(self, indices: np.ndarray) -> torch.Tensor:
        out = np.zeros((len(indices), self.shards.channels, self.window), dtype=np.float32)
        for row, i in enumerate(np.asarray(indices)):
            f = self.table.files[int(self.table.file[i])]
            s = int(self.table.start[i])
            end = min(s + self.window, f.steps)  # the last window of a file is zero-padded, never its neighbour's
            out[row, :, : end - s] = self.shards.shard(f.shard)[f.start + s : f.start + end].T
        return torch.from_numpy(out)


def streaming_order(shard_of: np.ndarray, rng: np.random.Generator, *, shuffle_buffer: int = SHUFFLE_BUFFER,
                    interleave: int = INTERLEAVE) -> np.ndarray:
    """A permutation of ``range(len(shard_of))`` that reads a few shards at a time: shards in a random
    order, ``interleave`` at a time dealt out in turn (each shuffled within), through a shuffle buffer."""
    by_shard: dict[int, np.ndarray] = {}
    for shard in np.unique(shard_of):
        members = np.flatnonzero(shard_of == shard)
        by_shard[int(shard)] = members[rng.permutation(len(members))]
    shard_order = [int(s) for s in rng.permutation(sorted(by_shard))]
    stream: list[np.ndarray] = []
    for g in range(0, len(shard_order), max(1, interleave)):
        group = [by_shard[s] for s in shard_order[g : g + max(1, interleave)]]
        stream.append(_deal(group))
    return _buffer_shuffle(np.concatenate(stream), rng, max(1, shuffle_buffer))


def _deal(groups: list[np.ndarray]) -> np.ndarray:
    """The arrays' elements in turn (a[0], b[0], c[0], a[1], ...), the longer ones' tails at the end."""
    longest = max(len(g) for g in groups)
    table = np.full((longest, len(groups)), -1, dtype=np.int64)
    for column, g in enumerate(groups):
        table[: len(g), column] = g
    flat = table.reshape(-1)
    return flat[flat >= 0]


def _buffer_shuffle(stream: np.ndarray, rng: np.random.Generator, size: int) -> np.ndarray:
    """A shuffle buffer over ``stream``: each element out is a random one of the ``size`` held."""
    out = np.empty_like(stream)
    buffer = list(stream[:size])
    picks = rng.random(len(stream))
    for i in range(len(stream)):
        j = int(picks[i] * len(buffer))
        out[i] = buffer[j]
        incoming = size + i
        if incoming < len(stream):
            buffer[j] = stream[incoming]
        else:
            buffer[j] = buffer[-1]
            buffer.pop()
    return out


@dataclass(frozen=True)
class LocalBatch:
    """This rank's rows ``[lo, hi)`` of a global batch of ``total`` windows (``indices``: theirs in the source)."""

    windows: torch.Tensor
    indices: np.ndarray
    lo: int
    hi: int
    total: int


class EpochBatches(IterableDataset[LocalBatch]):
    """One epoch's global batches (``batch_size`` windows; 0: the whole epoch), each cut to this rank's
    share. Every rank gets the same number of batches; a share may be empty when a batch holds fewer
    windows than there are processes."""

    def __init__(self, source: WindowSource, order: np.ndarray, batch_size: int, env: DistEnv) -> None:
        self.source = source
        self.order = order
        self.batch = max(1, len(order)) if batch_size <= 0 else batch_size
        self.env = env

    def __len__(self) -> int:
        return -(-len(self.order) // self.batch) if len(self.order) else 0

    @property
    def windows(self) -> int:
        """Windows of the epoch, all ranks together."""
        return len(self.order)

    def __iter__(self) -> Iterator[LocalBatch]:
        for i in range(0, len(self.order), self.batch):
            rows = self.order[i : i + self.batch]
            lo, hi = share_bounds(len(rows), self.env)
            yield LocalBatch(self.source.read(rows[lo:hi]), rows[lo:hi], lo, hi, len(rows))


def rank_slice(n: int, env: DistEnv) -> slice:
    """This rank's contiguous share of ``n`` items (validation windows)."""
    lo, hi = share_bounds(n, env)
    return slice(lo, hi)


def bar_grids(shards: ShardSet, files: list[ShardFile], steps_per_bar: int, max_bars: int,
              seed: int) -> list[np.ndarray]:
    """Grids for the pursuit fit's bar patches: the files whole when they hold ``max_bars`` bars or fewer,
    else ``max_bars`` bars drawn at random (seeded), each a grid of one bar, so memory stays bounded."""
    bars_per_file = np.array([-(-f.steps // steps_per_bar) for f in files], dtype=np.int64)
    if int(bars_per_file.sum()) <= max_bars:
        return [shards.grid(f) for f in files]
    first_bar = np.concatenate([[0], np.cumsum(bars_per_file)])
    chosen = np.sort(np.random.default_rng(seed).choice(int(first_bar[-1]), size=max_bars, replace=False))
    which = np.searchsorted(first_bar, chosen, side="right") - 1
    grids = []
    for bar, i in zip(chosen, which):
        f = files[int(i)]
        s = int(bar - first_bar[i]) * steps_per_bar
        end = min(s + steps_per_bar, f.steps)
        block = shards.shard(f.shard)[f.start + s : f.start + end]
        grids.append(np.ascontiguousarray(block.T, dtype=np.float32))
    log.info("pursuit fit on %d of %d training bars (drawn at random)", max_bars, int(first_bar[-1]))
    return grids


def shard_report(shards: ShardSet, files: list[ShardFile]) -> dict[str, Any]:
    """The checkpoint's record of the data, as encode_items' report gives it for a MIDI folder."""
    skipped: dict[str, int] = {}
    for s in shards.skipped:
        skipped[s.get("reason", "unknown")] = skipped.get(s.get("reason", "unknown"), 0) + 1
    return {"files": len(files), "skipped": skipped, "steps": int(sum(f.steps for f in files)),
            "shards": str(shards.root)}
