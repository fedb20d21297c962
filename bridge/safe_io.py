"""Writing output files so that a failure never leaves half a file and never destroys an input.

Every file sidl writes goes through :func:`write_atomic`: the bytes go to a temporary file in the
target's own folder (so the final rename never crosses file systems), are flushed to disk, and the
temporary file is renamed over the target with :func:`os.replace`, which is atomic. A full disk, a
file-size limit or an interrupted write therefore leaves either the complete new file or whatever was
there before, untouched, and never a temporary file (only a SIGKILL in the middle of a write can
leave a hidden ``.NAME.XXXXXXXX.tmp`` beside the target).

:func:`check_output` is the check a command runs *before any work*: the output is not one of the
inputs (same path once resolved, or the same file through a symlink or a hard link), it has the
right suffix, and the file system can take it (no folder in its place, no file where a folder is
needed, not read-only). Refusals are one :class:`OutputError` (or :class:`ParameterError` for a
wrong name or an output that is an input) naming the path and the reason.
"""

from __future__ import annotations

import errno
import logging
import os
import secrets
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from sidl.bridge.errors import OutputError, ParameterError

log = logging.getLogger(__name__)

MIDI_SUFFIXES = (".mid", ".midi")

_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "the file-size limit was reached",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "it is a folder",
    errno.ENOENT: "the folder does not exist",
    errno.ENAMETOOLONG: "the name is too long",
}


def reason(exc: OSError) -> str:
    """A short human reason for an OSError (errno first: messages differ between systems)."""
    return _REASONS.get(exc.errno or 0) or exc.strerror or type(exc).__name__


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether ``a`` and ``b`` are one file: the same path once resolved, or (both existing) the same
    file reached through a symlink or a hard link."""
    pa, pb = Path(a), Path(b)
    try:
        if pa.resolve() == pb.resolve():
            return True
        return pa.exists() and pb.exists() and os.path.samefile(pa, pb)
    except OSError:
        return False


def check_not_input(out: str | Path, inputs: Iterable[str | Path]) -> None:
    """:class:`ParameterError` if ``out`` is one of ``inputs``: a tool never writes over what it reads."""
    for source in inputs:
        if same_file(out, source):
            raise ParameterError(f"the output {out} is the input file {source}; write to another file "
                                 "(the input is left untouched)")


def _blocking_file(folder: Path) -> Path | None:
    """The first existing component of ``folder`` that is not a folder (``out.mid`` in ``out.mid/x``)."""
    for part in reversed((folder, *folder.parents)):
        if part.exists() and not part.is_dir():
            return part
    return None


def check_folder(folder: str | Path, what: str = "output folder", *, target: str | Path | None = None) -> Path:
    """``folder`` usable as a place to write: not a file, not under a file, writable where it exists.
    ``target``: the file to be written there, named in the message instead of the folder."""
    path = Path(folder)
    subject = f"cannot write {target}" if target is not None else f"cannot write into {what} {path}"
    blocking = _blocking_file(path)
    if blocking is not None:
        if blocking == path and target is None:
            raise OutputError(f"{what} {path} is a file, not a folder")
        raise OutputError(f"{subject}: {blocking} is a file, not a folder")
    existing = next((p for p in (path, *path.parents) if p.exists()), None)
    if existing is not None and not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"{subject}: the folder {existing} is not writable (permission denied)")
    return path


def check_output(out: str | Path, *, inputs: Iterable[str | Path] = (),
                 suffixes: tuple[str, ...] | None = MIDI_SUFFIXES, what: str = "output file") -> Path:
    """``out`` as a path, refused before any work when it cannot or must not be written (see module)."""
    path = Path(out)
    if suffixes is not None and path.suffix.lower() not in suffixes:
        raise ParameterError(f"{what} must end in {' or '.join(suffixes)}, got {path}")
    check_not_input(path, inputs)
    if path.is_dir():
        raise OutputError(f"{what} {path} is a folder; give a file name")
    check_folder(path.parent, target=path)
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputError(f"{what} {path} is read-only; choose another name or make it writable")
    return path


def _temporary(folder: Path, name: str) -> tuple[int, Path]:
    """A new file beside the target, created with the umask's mode (as the target would be)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    while True:
        tmp = folder / f".{name}.{secrets.token_hex(4)}.tmp"
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue


def _fsync(fd: int) -> None:
    """Flush to the device (a full disk may only show here), tolerating file systems without fsync."""
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise


def write_atomic(out: str | Path, write: Callable[[BinaryIO], None], *, inputs: Iterable[str | Path] = ()) -> Path:
    """Write a file through ``write(file)`` into a temporary file and rename it to ``out``.

    Either ``out`` holds the complete new content afterwards, or it is as it was before (absent, or
    the earlier file) and :class:`OutputError` says why; no temporary file is left in either case.
    ``inputs`` are checked again here (a tool that names its outputs late, like decompose, is covered).
    """
    path = Path(out)
    check_not_input(path, inputs)
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        check_folder(folder, target=path)  # names a file in the way, when that is the reason
        raise OutputError(f"cannot write {path}: cannot create the folder {folder} ({reason(exc)})") from None
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder")
    if path.exists() and not os.access(path, os.W_OK):  # a rename would replace it: keep what chmod says
        raise OutputError(f"cannot write {path}: it is read-only")
    try:
        fd, tmp = _temporary(folder, path.name)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {reason(exc)} (in {folder})") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            _fsync(fh.fileno())
        try:
            os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))  # replacing a file keeps its mode
        except OSError:  # no earlier file, or a file system without modes (FAT, some shares)
            pass
        os.replace(tmp, path)
    except OSError as exc:
        before = "the earlier file is unchanged" if path.exists() else "nothing was written"
        raise OutputError(f"cannot write {path}: {reason(exc)}; {before}") from None
    finally:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:  # pragma: no cover - the folder became unwritable mid-way
            log.warning("could not remove the temporary file %s", tmp)
    return path


def write_text(out: str | Path, text: str, *, inputs: Iterable[str | Path] = ()) -> Path:
    """:func:`write_atomic` for UTF-8 text (JSON reports, CSV)."""
    data = text.encode("utf-8")

    def write(fh: BinaryIO) -> None:
        fh.write(data)

    return write_atomic(out, write, inputs=inputs)
