"""Which files of a corpus changed since the last run: stamps and the plan of an incremental run.

A file's :class:`FileStamp` is its path relative to the corpus root (POSIX separators, the key
everywhere), its size, its modification time in nanoseconds and the SHA-1 of its bytes. :func:`plan`
compares the files found now with the stamps of the previous run: equal size and mtime means
unchanged *without reading the file*; otherwise the file is hashed, and an equal hash still means
unchanged (a ``touch`` or a copy that kept the bytes re-encodes nothing).
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

log = logging.getLogger(__name__)

_HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class FileStamp:
    """What identifies one version of a file: where it is, its size, mtime and content hash."""

    path: str  # relative to the corpus root, POSIX separators
    size: int
    mtime_ns: int
    sha1: str  # hex; "" when not computed yet


@dataclass
class Plan:
    """What an incremental run has to do, each list sorted by path."""

    new: list[FileStamp] = field(default_factory=list)
    changed: list[FileStamp] = field(default_factory=list)
    unchanged: list[FileStamp] = field(default_factory=list)  # the current stamps (mtime may differ)
    removed: list[str] = field(default_factory=list)  # paths of the previous run no longer found

    @property
    def to_encode(self) -> list[FileStamp]:
        """New and changed files, sorted by path."""
        return sorted(self.new + self.changed, key=lambda s: s.path)


def relative_key(path: str | Path, root: str | Path) -> str:
    """``path`` relative to ``root`` with POSIX separators (``..`` parts when it lies outside)."""
    return Path(os.path.relpath(Path(path), Path(root))).as_posix()


def file_sha1(path: str | Path) -> str:
    """Hex SHA-1 of the file's bytes, read in chunks."""
    digest = hashlib.sha1()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(_HASH_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def stamp(path: str | Path, root: str | Path, *, with_hash: bool = True) -> FileStamp:
    """The stamp of ``path`` (its key relative to ``root``); ``OSError`` if it cannot be read."""
    info = os.stat(path)
    return FileStamp(relative_key(path, root), info.st_size, info.st_mtime_ns,
                     file_sha1(path) if with_hash else "")


def plan(files: Iterable[str | Path], root: str | Path, previous: Mapping[str, FileStamp]) -> Plan:
    """Sort ``files`` (paths of the corpus now) into new, changed and unchanged against ``previous``
    (key: relative path), and list the previous paths not found now as removed.

    A file that cannot be stat'ed or read (gone between listing and planning, no permission) is
    counted as new with an empty hash, so the encoder meets it and reports why it failed.
    """
    out = Plan()
    seen: set[str] = set()
    for path in files:
        key = relative_key(path, root)
        if key in seen:
            continue
        seen.add(key)
        old = previous.get(key)
        try:
            now = stamp(path, root, with_hash=False)
            if old is not None and (now.size, now.mtime_ns) == (old.size, old.mtime_ns):
                out.unchanged.append(replace(now, sha1=old.sha1))
                continue
            now = replace(now, sha1=file_sha1(path))
        except OSError as exc:
            log.info("cannot stamp %s: %s", path, exc)
            now = FileStamp(key, -1, -1, "")
        if old is None:
            out.new.append(now)
        elif now.sha1 and now.sha1 == old.sha1:
            out.unchanged.append(now)
        else:
            out.changed.append(now)
    out.removed = sorted(set(previous) - seen)
    for group in (out.new, out.changed, out.unchanged):
        group.sort(key=lambda s: s.path)
    return out
