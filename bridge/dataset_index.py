"""Which MIDI files a dataset holds, their splits and their labels (torch-free; numpy not needed).

Layouts understood by :func:`discover` (what training and evaluation use):

- the Groove MIDI Dataset: ``info.csv`` with ``midi_filename`` and ``split`` columns;
- the piano set: ``metadata.csv`` with a ``midi`` column (and ``composer``); it has no split column,
  so a deterministic split is derived per composer (about 20 % of each composer's pieces, chosen by a
  stable hash of the file name, go to ``validation``);
- any folder of ``.mid``/``.midi`` files, searched recursively (split ``all``; ``train``/``validation``
  are derived by the same stable hash when asked for).

:func:`index` (what the analysis commands use) understands the same folders and also a CSV file that
lists MIDI files (a ``midi`` or ``midi_filename`` column, paths relative to the CSV, every other
column a label), and gives the files of a plain folder labels from where they sit (``folder``: the
parent folder's name, so ``mymidi/artistA/x.mid`` is labelled ``artistA``; ``top_folder``: the first
folder under the root).
"""

from __future__ import annotations

import csv
import hashlib
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path

from sidl.bridge.errors import DatasetError

log = logging.getLogger(__name__)

VALIDATION_SHARE = 0.2
MIDI_SUFFIXES = {".mid", ".midi"}
PATH_COLUMNS = ("midi_filename", "midi")  # the GMD's and the piano set's names for the file column
SPLITS = ("train", "validation", "all")


@dataclass(frozen=True)
class MidiItem:
    """One MIDI file of a dataset, with its split and the labels its metadata gives it."""

    path: Path
    split: str
    labels: dict[str, str] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class DatasetIndex:
    """The files :func:`index` found, the layout it recognised and where paths are relative to."""

    items: list[MidiItem]
    layout: str  # "gmd", "piano", "csv" or "folder"
    root: Path
    source: Path  # the folder or CSV file given

    def label_columns(self) -> list[str]:
        """Label names present on at least one item, in first-seen order."""
        seen: dict[str, None] = {}
        for item in self.items:
            for key in item.labels:
                seen.setdefault(key, None)
        return list(seen)


def stable_fraction(text: str) -> float:
    """A number in [0, 1) that depends only on ``text`` (not on Python's salted ``hash``)."""
    return int.from_bytes(hashlib.sha1(text.encode()).digest()[:8], "big") / 2**64


def _derived_split(key: str) -> str:
    return "validation" if stable_fraction(key) < VALIDATION_SHARE else "train"


def _plain_folder(root: Path) -> list[MidiItem]:
    return [
        MidiItem(p, _derived_split(p.relative_to(root).as_posix()))
        for p in sorted(root.rglob("*"))
        if p.suffix.lower() in MIDI_SUFFIXES and p.is_file()
    ]


def _select(items: list[MidiItem], split: str | None, where: str) -> list[MidiItem]:
    if split in (None, "all"):
        return items
    chosen = [item for item in items if item.split == split]
    if not chosen:
        available = sorted({item.split for item in items})
        raise DatasetError(f"split {split!r} not found in {where!r}; available: {', '.join(available)}")
    return chosen


# layout -> (the metadata file that marks it, its file column); any other folder is "folder"
LAYOUTS = {"gmd": ("info.csv", "midi_filename"), "piano": ("metadata.csv", "midi")}


def _layout(root: Path) -> str:
    return next((name for name, (marker, _) in LAYOUTS.items() if (root / marker).is_file()), "folder")


def discover(data_dir: str | Path, split: str | None = None) -> list[MidiItem]:
    """List the MIDI files of ``data_dir`` in ``split`` (``None`` or ``"all"``: every file), sorted by path."""
    root = Path(data_dir)
    if not root.is_dir():
        raise DatasetError(f"dataset folder {str(root)!r} does not exist or is not a folder")
    layout = _layout(root)
    if layout == "folder":
        items = _plain_folder(root)
    else:
        marker, column = LAYOUTS[layout]
        items = _from_csv(root, root / marker, path_column=column)
    if not items:
        raise DatasetError(f"no MIDI files found in {str(root)!r}")
    return _select(items, split, str(root))


def _from_csv(root: Path, csv_path: Path, *, path_column: str) -> list[MidiItem]:
    with csv_path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if not rows or path_column not in rows[0]:
        raise DatasetError(f"{csv_path}: expected a {path_column!r} column")
    items = []
    for row in rows:
        rel = row[path_column]
        split = (row.get("split") or "").strip() or _derived_split(f"{row.get('composer', '')}/{rel}")
        labels = {k: v for k, v in row.items() if k not in (path_column, "split") and v is not None}
        items.append(MidiItem(root / rel, split, labels))
    return sorted(items, key=lambda item: str(item.path))


def _csv_path_column(csv_path: Path) -> str:
    try:
        with csv_path.open(newline="", encoding="utf-8") as fh:
            header = next(csv.reader(fh), [])
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{csv_path}: not a readable CSV file ({exc})") from None
    for name in PATH_COLUMNS:
        if name in header:
            return name
    raise DatasetError(f"{csv_path}: expected a 'midi' or 'midi_filename' column listing MIDI files, "
                       f"found columns {header}")


def index(data: str | Path, split: str | None = None) -> DatasetIndex:
    """The labelled files of a dataset folder, a plain folder of MIDI files, or a CSV file listing them.

    ``split``: ``train``, ``validation``, or ``None``/``"all"`` (every file). Missing files listed by
    a CSV are kept (the caller counts them when it cannot read them).
    """
    if split not in (None, *SPLITS):
        raise DatasetError(f"split must be one of {', '.join(SPLITS)}, got {split!r}")
    source = Path(data)
    if source.is_file():
        if source.suffix.lower() != ".csv":
            raise DatasetError(f"{source}: expected a dataset folder or a .csv file listing MIDI files")
        column = _csv_path_column(source)
        items = _from_csv(source.parent, source, path_column=column)
        if not items:
            raise DatasetError(f"{source}: lists no MIDI files")
        return DatasetIndex(_select(items, split, str(source)), "csv", source.parent, source)
    if not source.is_dir():
        raise DatasetError(f"{str(source)!r} is neither a folder nor a CSV file")
    layout = _layout(source)
    items = discover(source, split)
    if layout == "folder":
        items = [replace(item, labels=_folder_labels(source, item.path)) for item in items]
    return DatasetIndex(items, layout, source, source)


def _folder_labels(root: Path, path: Path) -> dict[str, str]:
    rel = path.relative_to(root)
    parent = rel.parent.name or root.resolve().name
    top = rel.parts[0] if len(rel.parts) > 1 else parent
    return {"folder": parent, "top_folder": top}
