"""The note ledger on disk: notes left sounding by a killed bridge are silenced by the next start.

A SIGKILL (or a crash in native code) runs no handler, so the note-offs a running bridge owes are
never sent. :class:`LedgerStore` keeps a copy of the sounding set (:class:`~bridge.live.ledger.NoteLedger`)
in a small JSON file, rewritten whenever the *set* changes — by a writer thread, coalesced to at most
one write per :data:`WRITE_EVERY_S`, atomically (a temporary file renamed over it), so the send path
only sets a flag. An empty ledger has no file. The next start on the same backend and output port
finds the files of runs that are no longer alive (:meth:`LedgerStore.leftovers`), sends their
note-offs, and deletes them.

Where: ``$SIDL_STATE_DIR`` if set, else ``$XDG_RUNTIME_DIR/sidl``, else the user's cache folder
(``~/.cache/sidl``; ``%LOCALAPPDATA%\\sidl`` on Windows, ``~/Library/Caches/sidl`` on macOS). One
file per running bridge: ``ledger-<backend>-<output port>-<pid>.json``.

Limit: a note struck less than about :data:`WRITE_EVERY_S` plus one file write (well under 1 ms on
tmpfs) before the kill may not be in the file yet.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import threading
import time
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path

from sidl.bridge.live.ledger import NoteLedger, ShortMessage, release_messages

log = logging.getLogger(__name__)

STATE_DIR_ENV = "SIDL_STATE_DIR"
WRITE_EVERY_S = 0.005  # coalescing: at most one file write per this many seconds
_VERSION = 1


def state_dir() -> Path:
    """The folder for the persisted ledger (see module docstring)."""
    explicit = os.environ.get(STATE_DIR_ENV)
    if explicit:
        return Path(explicit)
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime:
        return Path(runtime) / "sidl"
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "sidl"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "sidl"
    return Path.home() / ".cache" / "sidl"


def _slug(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9._]+", "_", key).strip("_")[:80] or "port"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        ctypes.windll.kernel32.CloseHandle(handle)
        return True
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, someone else's
        return True
    return True


@dataclass(frozen=True)
class Leftover:
    """The sounding notes a run that is gone left in its file."""

    path: Path
    pid: int
    notes: tuple[tuple[int, int, int], ...]  # (channel, pitch, count)

    def messages(self, port: Hashable) -> list[ShortMessage]:
        """Their note-offs, then CC64 = 0 and CC123 on their channels."""
        return release_messages(port, self.notes)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


class LedgerStore:
    """Keeps ``ledger``'s sounding set in this run's file (see module docstring); ``key`` names the
    output it plays to (backend and port), so the next run on that output finds what this one left."""

    def __init__(self, key: str, ledger: NoteLedger, directory: Path | None = None) -> None:
        self.ledger = ledger
        self.key = key
        self.directory = directory if directory is not None else state_dir()
        self.pattern = f"ledger-{_slug(key)}-"
        self.path = self.directory / f"{self.pattern}{os.getpid()}.json"
        self.writes = 0
        self.failed = False
        self._dirty = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def leftovers(self) -> list[Leftover]:
        """The files of runs on this output that are no longer alive (a corrupt one is removed)."""
        found: list[Leftover] = []
        try:
            candidates = sorted(self.directory.glob(f"{self.pattern}*.json"))
        except OSError:
            return found
        for path in candidates:
            match = re.fullmatch(re.escape(self.pattern) + r"(\d+)\.json", path.name)
            if match is None or _alive(int(match.group(1))):
                continue
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                notes = tuple((int(ch), int(pitch), int(count)) for ch, pitch, count in data["notes"]
                              if 0 <= int(ch) <= 15 and 0 <= int(pitch) <= 127)
            except (OSError, ValueError, KeyError, TypeError) as exc:
                log.warning("ignoring the unreadable ledger file %s (%s)", path, exc)
                path.unlink(missing_ok=True)
                continue
            found.append(Leftover(path, int(match.group(1)), notes))
        return found

    def start(self) -> None:
        """Start writing on every change (and write the current set now)."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            self.failed = True
            log.warning("cannot keep the note ledger in %s (%s): after a crash, run sidl panic --port",
                        self.directory, exc)
            return
        self.ledger.watch(self._dirty.set)
        self._dirty.set()
        self._thread = threading.Thread(target=self._run, name="sidl-ledger-store", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            self._dirty.wait()
            if self._stop.is_set():
                return
            self._dirty.clear()
            self.write()
            time.sleep(WRITE_EVERY_S)  # coalesce a burst of changes into one write

    def write(self) -> None:
        """Write the current set (or remove the file when nothing sounds); never raises."""
        sounding = self.ledger.sounding()
        try:
            if not sounding:
                self.path.unlink(missing_ok=True)
            else:
                notes = sorted((int(ch), int(pitch), int(count)) for (_, ch, pitch), count in sounding.items())
                text = json.dumps({"version": _VERSION, "pid": os.getpid(), "key": self.key, "notes": notes})
                tmp = self.path.with_suffix(".tmp")
                tmp.write_text(text, encoding="utf-8")
                os.replace(tmp, self.path)  # atomic: a reader sees the old set or the new, never half
            self.writes += 1
        except OSError as exc:
            if not self.failed:
                log.warning("cannot write the note ledger %s (%s)", self.path, exc)
            self.failed = True

    def close(self) -> None:
        """Stop writing and leave the file as the ledger is now (after a clean stop: removed)."""
        self.ledger.watch(None)
        self._stop.set()
        self._dirty.set()
        if self._thread is not None:
            self._thread.join(timeout=1.0)
        if not self.failed and self._thread is not None:
            self.write()
