"""A small progress bar on stderr for torch-free commands (the runtime has no tqdm).

``encode  4,210/10,000  42%  [########------------]  128.4 files/s  0:45 left``

On a terminal it redraws one line in place (at most ~10 times a second); anywhere else (a log file,
CI) it writes a plain line every :data:`LOG_INTERVAL_S` seconds and one at the end, so logs stay
short. ``enabled=False`` (a command's ``--quiet``) silences it entirely. Use it as the
``progress(done, total)`` callback of :func:`sidl.bridge.shards.pool.parallel_map`, or call
:meth:`ProgressBar.update` directly; :meth:`ProgressBar.close` ends the line.
"""

from __future__ import annotations

import logging
import sys
import time
from types import TracebackType
from typing import TextIO

log = logging.getLogger(__name__)

TTY_INTERVAL_S = 0.1
LOG_INTERVAL_S = 5.0
BAR_WIDTH = 20


def format_duration(seconds: float) -> str:
    """``1:02:03`` / ``2:03`` for a number of seconds (``?`` when unknown)."""
    if not seconds >= 0 or seconds == float("inf"):
        return "?"
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class ProgressBar:
    """Count, rate and time left of a job of ``total`` units, drawn on ``stream`` (stderr)."""

    def __init__(self, label: str, total: int | None = None, *, unit: str = "files", enabled: bool = True,
                 stream: TextIO | None = None) -> None:
        self.label = label
        self.total = total
        self.unit = unit
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self._now = time.monotonic
        self.started = self._now()
        self.done = 0
        self._last_draw = float("-inf")
        self._drawn_width = 0
        self._drawn_done: int | None = None
        self._updated = False  # nothing is drawn for a job that never started (an early error)
        self._closed = False
        try:
            self.tty = bool(self.stream.isatty())
        except (AttributeError, ValueError):
            self.tty = False

    def __call__(self, done: int, total: int) -> None:
        """``progress(done, total)`` callback form of :meth:`update`."""
        self.update(done, total)

    def update(self, done: int, total: int | None = None) -> None:
        """Record ``done`` units (of ``total``, when given now); redraw when it is time to."""
        self.done = done
        self._updated = True
        if total is not None:
            self.total = total
        if not self.enabled or self._closed:
            return
        now = self._now()
        finished = self.total is not None and done >= self.total
        interval = TTY_INTERVAL_S if self.tty else LOG_INTERVAL_S
        if finished or now - self._last_draw >= interval:
            self._draw(now)

    def text(self, now: float | None = None) -> str:
        """The bar's current line (without a line end)."""
        elapsed = max((self._now() if now is None else now) - self.started, 1e-9)
        rate = self.done / elapsed
        parts = [self.label]
        if self.total:
            share = min(1.0, self.done / self.total)
            filled = int(round(share * BAR_WIDTH))
            left = (self.total - self.done) / rate if rate > 0 else float("inf")
            parts += [f"{self.done:,}/{self.total:,}", f"{share:4.0%}", f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}]",
                      f"{rate:.1f} {self.unit}/s",
                      f"{format_duration(left)} left" if self.done < self.total else f"{format_duration(elapsed)}"]
        else:
            parts += [f"{self.done:,} {self.unit}", f"{rate:.1f} {self.unit}/s", format_duration(elapsed)]
        return "  ".join(parts)

    def _draw(self, now: float) -> None:
        self._last_draw = now
        self._drawn_done = self.done
        line = self.text(now)
        try:
            if self.tty:
                pad = " " * max(0, self._drawn_width - len(line))
                self.stream.write(f"\r{line}{pad}")
                self._drawn_width = len(line)
            else:
                self.stream.write(line + "\n")
            self.stream.flush()
        except (OSError, ValueError):  # a closed or broken stderr must not stop the work
            self.enabled = False

    def close(self) -> None:
        """Draw the final state (if not drawn yet, and the job started) and end the line on a terminal."""
        if self._closed:
            return
        if self.enabled and self._updated and self._drawn_done != self.done:
            self._draw(self._now())
        if self.enabled and self.tty and self._drawn_width:
            try:
                self.stream.write("\n")
                self.stream.flush()
            except (OSError, ValueError):
                pass
        self._closed = True

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def progress_bar(label: str, total: int | None = None, *, quiet: bool = False, unit: str = "files") -> ProgressBar:
    """The bar a command shows on stderr; ``quiet`` (its ``--quiet``) silences it."""
    return ProgressBar(label, total, unit=unit, enabled=not quiet)
