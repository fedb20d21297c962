"""A library on disk: what ``sidl index`` writes and ``sidl similar --index`` reads.

``LIB/library.json`` says everything (format, model, metric, section length, files with their
stamps, skipped files, the names of the array files) and is written **last**, atomically: every
other file carries the build's generation number in its name (``columns-3.ptr.npy``,
``windows-3.npy``, ``projection-3.npy``, ``ann-3.usearch``), so a crash mid-build leaves the previous
``library.json`` and every file it names intact; files of other generations are removed after the
new ``library.json`` is in place (or at the next build).

- ``columns-G.*.npy``: every file's exact features (:class:`~sidl.bridge.library.columns.Columns`),
  files one after the other in the library's file order;
- ``windows-G.npy``: (n, 2) int64, the window behind each vector of the ANN index: file id and first
  feature column in that file;
- ``projection-G.npy``: (length·rows, dims) float32, the fixed random projection of window vectors
  (kept from build to build so unchanged files keep their vectors' meaning);
- ``ann-G.*``: the approximate-nearest-neighbour index over the projected, normalised windows.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from sidl.bridge.errors import DatasetError, ModelError
from sidl.bridge.library.backend import AnnIndex, load_ann, require
from sidl.bridge.library.columns import Columns, load_array
from sidl.bridge.library.sections import SectionGrid
from sidl.bridge.safe_io import write_atomic, write_text
from sidl.bridge.shards.manifest import FileStamp

log = logging.getLogger(__name__)

FORMAT = "sidl-library"
VERSION = 1
META_FILE = "library.json"
MAX_META_BYTES = 512 * 1024 * 1024  # a million files' table is ~150 MB of JSON
_GENERATION = re.compile(r"^(columns|windows|projection|ann)-(\d+)[.]")


@dataclass(frozen=True)
class LibraryFile:
    """One indexed file: its stamp, its length in bars and in feature columns."""

    path: str  # relative to the corpus root, POSIX separators
    size: int
    mtime_ns: int
    sha1: str
    bars: int
    columns: int

    @property
    def stamp(self) -> FileStamp:
        return FileStamp(self.path, self.size, self.mtime_ns, self.sha1)


@dataclass(frozen=True)
class SkippedFile:
    """A file of the corpus the model cannot use, with why (kept so an unchanged one is not re-read)."""

    path: str
    size: int
    mtime_ns: int
    sha1: str
    reason: str  # a key of sidl.bridge.analysis.corpus.SKIP_REASONS
    detail: str

    @property
    def stamp(self) -> FileStamp:
        return FileStamp(self.path, self.size, self.mtime_ns, self.sha1)


@dataclass
class LibraryMeta:
    """``library.json`` without its file tables."""

    model: dict[str, str]  # name, weights_sha256, codec
    metric: str
    bars: int
    length: int  # window length in feature columns
    unit: int
    rows: int
    kind: str  # "sparse" | "dense" columns
    first: list[int]  # c0(s): first feature column of the section starting at bar s
    dims: int  # projected dimensions
    ann: dict[str, Any]  # backend, params
    corpus: dict[str, Any]  # root (absolute), split
    generation: int = 0
    build: dict[str, Any] = field(default_factory=dict)  # the last build's figures


@dataclass
class Library:
    """An opened library (arrays memory-mapped)."""

    folder: Path
    meta: LibraryMeta
    files: list[LibraryFile]
    skipped: list[SkippedFile]
    columns: Columns
    windows: np.ndarray  # (n, 2) int64: file id, first column
    projection: np.ndarray
    ann: AnnIndex
    column_start: np.ndarray = field(init=False)  # (n_files + 1,) first global column of each file
    file_bars: np.ndarray = field(init=False)  # (n_files,) bars of each file
    file_columns: np.ndarray = field(init=False)  # (n_files,) feature columns of each file
    file_ids: dict[str, int] = field(init=False)  # relative path -> file id

    def __post_init__(self) -> None:
        self.file_columns = np.array([f.columns for f in self.files], np.int64)
        self.file_bars = np.array([f.bars for f in self.files], np.int64)
        self.column_start = np.concatenate([[0], np.cumsum(self.file_columns)]).astype(np.int64)
        self.file_ids = {f.path: i for i, f in enumerate(self.files)}

    @property
    def grid(self) -> SectionGrid:
        return SectionGrid(self.meta.bars, self.meta.length, self.meta.unit, np.array(self.meta.first, np.int64))

    @property
    def root(self) -> Path:
        return Path(self.meta.corpus["root"])

    def check_model(self, name: str, weights_sha256: str) -> None:
        """One line when the library was built with another model than the one given."""
        built = self.meta.model
        if built.get("weights_sha256") != weights_sha256:
            raise ModelError(f"{self.folder} was built with model {built.get('name')!r} (weights "
                             f"{str(built.get('weights_sha256'))[:12]}), not with {name!r} (weights {weights_sha256[:12]}); "
                             f"search it with --model {built.get('name')} or rebuild it with `sidl index ... --model {name}`")


def is_library(folder: str | Path) -> bool:
    path = Path(folder) / META_FILE
    if not path.is_file():
        return False
    try:
        with path.open("rb") as fh:
            head = fh.read(4096).decode("utf-8", "replace")
    except OSError:
        return False
    return f'"format": "{FORMAT}"' in head


def _read_meta(folder: Path) -> dict[str, Any]:
    path = folder / META_FILE
    if not folder.is_dir():
        raise DatasetError(f"{folder}: no such library folder; build one with `sidl index DIR --out {folder}`")
    if not path.is_file():
        raise DatasetError(f"{folder}: not a sidl library (no {META_FILE}); build one with `sidl index DIR --out {folder}`")
    if path.stat().st_size > MAX_META_BYTES:
        raise DatasetError(f"{path}: {path.stat().st_size} bytes, more than a library index can be "
                           f"({MAX_META_BYTES}); not a sidl library")
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise DatasetError(f"{path}: cannot read the library index ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DatasetError(f"{path}: not a sidl library index (format {data.get('format') if isinstance(data, dict) else None!r}, "
                           f"expected {FORMAT!r})")
    if data.get("version") != VERSION:
        raise DatasetError(f"{path}: library format version {data.get('version')!r}, this sidl reads version {VERSION}; "
                           "rebuild it with `sidl index ... --rebuild`")
    return data


def open_library(folder: str | Path, *, mmap: bool = True) -> Library:
    """Read a library (:class:`DatasetError` naming the folder when it is not one, or is damaged)."""
    root = Path(folder)
    data = _read_meta(root)
    require()
    try:
        meta = LibraryMeta(**data["meta"])
        files = [LibraryFile(**f) for f in data["files"]]
        skipped = [SkippedFile(**s) for s in data["skipped"]]
        arrays: dict[str, str] = data["arrays"]
    except (KeyError, TypeError) as exc:
        raise DatasetError(f"{root / META_FILE}: damaged library index ({exc})") from None
    columns = Columns.from_arrays(meta.kind, meta.rows,
                                  {name: load_array(root / arrays[name], mmap=mmap) for name in arrays
                                   if name not in ("windows", "projection", "ann")})
    windows = load_array(root / arrays["windows"], mmap=False)
    projection = load_array(root / arrays["projection"], mmap=False)
    ann = load_ann(meta.ann, root / arrays["ann"], dims=meta.dims)
    library = Library(root, meta, files, skipped, columns, windows, projection, ann)
    if int(library.column_start[-1]) != columns.n_columns or (len(windows) and int(windows[:, 0].max()) >= len(files)):
        raise DatasetError(f"{root}: the library's arrays do not match its index (damaged); rebuild it with --rebuild")
    if len(windows) != ann.count:
        raise DatasetError(f"{root}: the ANN index holds {ann.count} vectors for {len(windows)} windows (damaged); "
                           "rebuild it with --rebuild")
    return library


def read_previous(folder: str | Path) -> tuple[dict[str, Any], LibraryMeta] | None:
    """The raw index and meta of an existing library at ``folder``, None when there is none."""
    root = Path(folder)
    if not (root / META_FILE).exists():
        return None
    data = _read_meta(root)
    try:
        return data, LibraryMeta(**data["meta"])
    except TypeError as exc:
        raise DatasetError(f"{root / META_FILE}: damaged library index ({exc})") from None


def _save_array(path: Path, array: np.ndarray) -> str:
    def write(fh: BinaryIO) -> None:
        np.save(fh, np.asarray(array), allow_pickle=False)

    write_atomic(path, write)
    return path.name


def write_library(folder: str | Path, meta: LibraryMeta, files: list[LibraryFile], skipped: list[SkippedFile],
                  columns: Columns, windows: np.ndarray, projection: np.ndarray, ann: AnnIndex) -> Path:
    """Write a new generation and switch ``library.json`` to it last; then remove older generations."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    gen = meta.generation
    arrays = {name: _save_array(root / f"columns-{gen}.{name}.npy", array) for name, array in columns.arrays().items()}
    arrays["windows"] = _save_array(root / f"windows-{gen}.npy", windows.astype(np.int64))
    arrays["projection"] = _save_array(root / f"projection-{gen}.npy", projection.astype(np.float32))
    ann_name = f"ann-{gen}.{meta.ann['backend']}"
    ann.save(root / ann_name)
    arrays["ann"] = ann_name
    data = {"format": FORMAT, "version": VERSION, "meta": asdict(meta), "arrays": arrays,
            "files": [asdict(f) for f in files], "skipped": [asdict(s) for s in skipped]}
    write_text(root / META_FILE, json.dumps(data, separators=(",", ":")).replace('{"format":"sidl-library"',
                                                                                '{"format": "sidl-library"', 1))
    remove_other_generations(root, gen)
    return root


def remove_other_generations(root: Path, keep: int) -> None:
    """Delete the array files of every generation but ``keep`` (left by earlier or crashed builds)."""
    for path in root.iterdir():
        match = _GENERATION.match(path.name)
        if match and int(match.group(2)) != keep and path.is_file():
            try:
                os.unlink(path)
            except OSError as exc:
                log.warning("could not remove the old library file %s: %s", path, exc)
