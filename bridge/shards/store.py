"""The shard folder format and its reader: a corpus of encoded MIDI files as memory-mapped grids.

A shard folder ``ROOT`` holds:

- ``ROOT/index.json`` — format ``"sidl-shards"``, version, the codec's ``spec()`` (enough to rebuild
  it with :func:`sidl.bridge.codecs.codec_from_spec`), ``channels``, ``steps_per_bar``, ``dtype``, the
  shards (file names and step counts), one entry per encoded file (:class:`ShardFile`) and one per
  skipped file (``{"path", "reason", "detail"}``). It is written atomically and *last*, so a run
  that dies half-way leaves the previous index (and every shard it names) valid;
- ``ROOT/shard-00000.npy`` … — ``np.save``'d arrays shaped ``(steps, channels)``: the grids of many
  files one after the other along the step axis, so one file's block is contiguous on disk;
- ``ROOT/shard-00000.seconds.npy`` … — float32 ``(steps,)``: each step's length in seconds at the
  file's tempo (what :func:`sidl.models.evaluation.metrics.step_seconds` gives).

:class:`ShardSet` reads it: :meth:`ShardSet.grid` gives exactly the ``(channels, steps)`` float32
grid that :func:`sidl.models.datasets.encode_items` gives for the same file and codec. Shards are
opened as read-only memory maps, so a reader's memory is what it touches, not the corpus.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sidl.bridge.codecs import Codec, codec_from_spec
from sidl.bridge.dataset_index import SPLITS
from sidl.bridge.errors import DatasetError

log = logging.getLogger(__name__)

FORMAT = "sidl-shards"
VERSION = 1
INDEX_FILE = "index.json"
#: An index.json larger than this is not one sidl wrote (10,000 files make about 5 MB).
MAX_INDEX_BYTES = 512 * 1024 * 1024


def shard_name(i: int) -> str:
    """File name of shard ``i`` (its grid steps)."""
    return f"shard-{i:05d}.npy"


def seconds_name(i: int) -> str:
    """File name of shard ``i``'s step lengths in seconds."""
    return f"shard-{i:05d}.seconds.npy"


@dataclass(frozen=True)
class ShardFile:
    """One encoded MIDI file of the corpus and where its grid lies."""

    path: str  # relative to the corpus root, POSIX separators
    shard: int  # index into the shard list
    start: int  # first step (grid column) of this file in that shard
    steps: int  # its number of steps (grid columns)
    bars: int
    meter: str  # e.g. "4/4" (the meter at the file's start)
    tempo: float  # bpm at the file's start
    split: str  # "train" | "validation" | "all" (bridge.dataset_index's split)
    labels: dict[str, str] = field(default_factory=dict, hash=False)  # style, drummer, composer, folder ...
    size: int = 0  # the source file's stamp (for incremental runs)
    mtime_ns: int = 0
    sha1: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str) -> ShardFile:
        try:
            return cls(path=str(data["path"]), shard=int(data["shard"]), start=int(data["start"]),
                       steps=int(data["steps"]), bars=int(data["bars"]), meter=str(data["meter"]),
                       tempo=float(data["tempo"]), split=str(data["split"]),
                       labels={str(k): str(v) for k, v in dict(data.get("labels") or {}).items()},
                       size=int(data["size"]), mtime_ns=int(data["mtime_ns"]), sha1=str(data["sha1"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise DatasetError(f"{source}: a file entry is malformed ({type(exc).__name__}: {exc}): "
                               f"{str(data)[:200]}") from None


@dataclass(frozen=True)
class ShardInfo:
    """One shard of the list in index.json: its two files and its number of steps."""

    name: str
    seconds: str
    steps: int


@dataclass
class ShardSet:
    """A shard folder, opened for reading. Build with :meth:`open`."""

    root: Path
    codec: dict[str, Any]  # the codec's spec(), enough to rebuild it (codec_from_spec)
    codec_name: str
    channels: int
    steps_per_bar: int
    dtype: str
    files: list[ShardFile]
    skipped: list[dict[str, str]]  # {"path", "reason", "detail"}
    shards: list[ShardInfo]
    _maps: dict[int, np.ndarray] = field(default_factory=dict, repr=False)
    _seconds: dict[int, np.ndarray] = field(default_factory=dict, repr=False)

    @staticmethod
    def is_shard_folder(root: str | Path) -> bool:
        """Whether ``root`` has an index.json of format ``"sidl-shards"`` (any version)."""
        path = Path(root) / INDEX_FILE
        try:
            if not path.is_file() or path.stat().st_size > MAX_INDEX_BYTES:
                return False
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return isinstance(data, dict) and data.get("format") == FORMAT

    @classmethod
    def open(cls, root: str | Path) -> ShardSet:
        """Read ``root/index.json``; :class:`DatasetError` naming the folder if it is not a shard folder
        this version reads (shards are opened lazily, when first asked for)."""
        folder = Path(root)
        data = read_index(folder)
        if data is None:
            raise DatasetError(f"{str(folder)!r} is not a shard folder (no {INDEX_FILE}); "
                               "make one with `sidl encode DATA --out FOLDER`")
        source = str(folder / INDEX_FILE)
        try:
            shards = [ShardInfo(str(s["name"]), str(s["seconds"]), int(s["steps"])) for s in data["shards"]]
            files = [ShardFile.from_dict(f, source=source) for f in data["files"]]
            skipped = [{str(k): str(v) for k, v in s.items()} for s in data.get("skipped", [])]
            out = cls(root=folder, codec=dict(data["codec"]), codec_name=str(data["codec"]["name"]),
                      channels=int(data["channels"]), steps_per_bar=int(data["steps_per_bar"]),
                      dtype=str(data["dtype"]), files=files, skipped=skipped, shards=shards)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise DatasetError(f"{source}: malformed shard index ({type(exc).__name__}: {exc})") from None
        for f in files:
            if not 0 <= f.shard < len(shards) or f.start < 0 or f.steps < 1 \
                    or f.start + f.steps > shards[f.shard].steps:
                raise DatasetError(f"{source}: {f.path} lies outside its shard {f.shard} "
                                   f"(start {f.start}, {f.steps} steps)")
        return out

    def shard_count(self) -> int:
        return len(self.shards)

    def build_codec(self) -> Codec:
        """The codec the grids were encoded with (:class:`CodecMismatchError` if this version lays it
        out differently)."""
        return codec_from_spec(self.codec)

    def shard(self, i: int) -> np.ndarray:
        """Shard ``i`` as a read-only memory map shaped ``(steps_in_shard, channels)``."""
        if i not in self._maps:
            info = self._info(i)
            self._maps[i] = self._load(info.name, (info.steps, self.channels), self.dtype)
        return self._maps[i]

    def grid(self, f: ShardFile) -> np.ndarray:
        """``f``'s grid, a float32 copy shaped ``(channels, steps)``: exactly what
        :func:`sidl.models.datasets.encode_items` gives for that file."""
        block = self.shard(f.shard)[f.start : f.start + f.steps]
        return np.ascontiguousarray(block.T, dtype=np.float32)

    def seconds(self, f: ShardFile) -> np.ndarray:
        """``f``'s step lengths in seconds, float32 ``(steps,)``."""
        if f.shard not in self._seconds:
            info = self._info(f.shard)
            self._seconds[f.shard] = self._load(info.seconds, (info.steps,), "float32")
        return np.array(self._seconds[f.shard][f.start : f.start + f.steps], dtype=np.float32)

    def select(self, split: str | None) -> list[ShardFile]:
        """The files of ``split`` (``None`` or ``"all"``: every file), in index order."""
        if split in (None, "all"):
            return list(self.files)
        if split not in SPLITS:
            raise DatasetError(f"split must be one of {', '.join(SPLITS)}, got {split!r}")
        chosen = [f for f in self.files if f.split == split]
        if not chosen:
            available = sorted({f.split for f in self.files})
            raise DatasetError(f"split {split!r} not found in {str(self.root)!r}; "
                               f"available: {', '.join(available) or 'none (no files)'}")
        return chosen

    def _info(self, i: int) -> ShardInfo:
        if not 0 <= i < len(self.shards):
            raise DatasetError(f"{self.root}: shard {i} does not exist (it has {len(self.shards)})")
        return self.shards[i]

    def _load(self, name: str, shape: tuple[int, ...], dtype: str) -> np.ndarray:
        path = self.root / name
        try:
            array = np.load(path, mmap_mode="r", allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise DatasetError(f"{path}: cannot read this shard ({exc}); encode the corpus again "
                               "(`sidl encode ... --rebuild`)") from None
        if array.shape != shape or array.dtype != np.dtype(dtype):
            raise DatasetError(f"{path}: holds {array.dtype} {array.shape}, the index says {dtype} {shape}; "
                               "encode the corpus again (`sidl encode ... --rebuild`)")
        return array


def read_index(folder: Path) -> dict[str, Any] | None:
    """The parsed index.json of ``folder``, ``None`` if there is none, :class:`DatasetError` if it is
    not one this version reads."""
    path = folder / INDEX_FILE
    if not path.is_file():
        return None
    try:
        if path.stat().st_size > MAX_INDEX_BYTES:
            raise DatasetError(f"{path}: over {MAX_INDEX_BYTES} bytes; not a shard index")
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DatasetError(f"{path}: not a readable shard index ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DatasetError(f"{path}: not a shard index (format is not {FORMAT!r})")
    if data.get("version") != VERSION:
        raise DatasetError(f"{path}: shard format version {data.get('version')!r}; this sidl reads version "
                           f"{VERSION} (encode the corpus again with --rebuild)")
    return data
