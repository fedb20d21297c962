"""The running bridge on a terminal: one status line per bar (``sidl run`` without ``--json``/``--quiet``).

``bar 12  in 14  out 13  atoms 4  loop  took 0.4 ms  late 0`` — the bar just processed, the notes
heard during it and the notes played for it, the atoms active, the mode in force, how long the bar's
processing took and how many notes the scheduler has sent late since the start. On a terminal the
line is rewritten in place; anywhere else (a pipe, a log file) it is one line per bar.

Nothing here prints: :class:`Terminal` writes through the function it is given (the CLI passes
stdout's), so the library stays silent and tests read what would have been shown.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from sidl.bridge.live.daemon import BarReport, LiveBridge
from sidl.bridge.live.midi_in import ClockEvent, MidiInputDecoder, NoteEvent

CLEAR_LINE = "\r\x1b[K"  # back to the line's start, erase to its end (VT100: every terminal sidl runs in)
DEMO_THREAD = "sidl-demo"  # the demo feed's thread (bridge.live.demo): its notes are not "played in"


class Terminal:
    """Where human-readable output goes. ``write`` takes text as it is to appear (the caller flushes);
    with ``in_place`` the status line is rewritten where it stands and other lines are printed above
    it, else every status is a line of its own. ``width``: the terminal's columns (a longer in-place
    line would wrap, and could no longer be rewritten)."""

    def __init__(self, write: Callable[[str], Any], *, in_place: bool, width: int = 100) -> None:
        self._write = write
        self.in_place = in_place
        self.width = max(20, width)
        self._lock = threading.Lock()
        self._shown = ""  # the status line now on screen (in place), "" if none

    def status(self, text: str) -> None:
        with self._lock:
            if self.in_place:
                self._shown = text[: self.width - 1]
                self._write(CLEAR_LINE + self._shown)
            else:
                self._write(text + "\n")

    def line(self, text: str) -> None:
        """A line that stays (a message), printed above the status line, which is then shown again."""
        with self._lock:
            if self._shown:
                self._write(CLEAR_LINE)
            self._write(text + "\n")
            if self._shown:
                self._write(self._shown)

    def clear(self) -> None:
        """Take the status line off the screen (before something else writes to the terminal)."""
        with self._lock:
            if self._shown:
                self._write(CLEAR_LINE)
                self._shown = ""

    def end(self) -> None:
        """Leave the last status line on screen and move below it (at exit)."""
        with self._lock:
            if self._shown:
                self._write("\n")
                self._shown = ""


class ClearBeforeLogging(logging.Filter):
    """A handler filter: a log record written to the same screen first takes the status line away
    (it comes back at the next bar)."""

    def __init__(self, terminal: Terminal) -> None:
        super().__init__()
        self.terminal = terminal

    def filter(self, record: logging.LogRecord) -> bool:
        self.terminal.clear()
        return True


def status_text(report: BarReport, *, notes_in: int, notes_out: int, mode: str, late: int) -> str:
    text = (f"bar {report.bar:>4}  in {notes_in:>3}  out {notes_out:>3}  atoms {len(report.active_atoms):>2}  "
            f"{mode:<8}  took {report.process_us / 1000.0:4.1f} ms  late {late}")
    return text + ("  holding the last bar (nothing played)" if report.frozen else "")


class CountingDecoder(MidiInputDecoder):
    """The bridge's input decoder, also counting the note-ons it hands on: ``played`` those that came
    from outside (a port), ``fed`` those the demo feed played in."""

    def __init__(self, channel: int | None) -> None:
        super().__init__(channel)
        self.played = 0
        self.fed = 0

    def feed(self, data: Iterable[int], t: float) -> list[NoteEvent | ClockEvent]:
        events = super().feed(data, t)
        ons = sum(1 for e in events if isinstance(e, NoteEvent) and e.velocity > 0)
        if ons:
            if threading.current_thread().name == DEMO_THREAD:
                self.fed += ons
            else:
                self.played += ons
        return events


def count_input(bridge: LiveBridge) -> CountingDecoder:
    """Give ``bridge`` a counting input decoder (same channel and counts; call before notes flow)."""
    counting = CountingDecoder(bridge.decoder.channel)
    counting.counts = bridge.decoder.counts
    bridge.decoder = counting
    return counting


class StatusLine:
    """A bar listener (``LiveBridge.listeners``) showing :func:`status_text` on a :class:`Terminal`."""

    def __init__(self, bridge: LiveBridge, terminal: Terminal, notes_in: CountingDecoder) -> None:
        self.bridge = bridge
        self.terminal = terminal
        self.notes_in = notes_in
        self._heard = 0
        self._passed = bridge.filter_counts["passed"]
        self.bars = 0

    def __call__(self, report: BarReport) -> None:
        heard = self.notes_in.played + self.notes_in.fed
        passed = self.bridge.filter_counts["passed"]  # filter mode plays what it lets through, at once
        notes_in, self._heard = heard - self._heard, heard
        notes_out, self._passed = report.notes + passed - self._passed, passed
        self.bars += 1
        self.terminal.status(status_text(report, notes_in=notes_in, notes_out=notes_out, mode=self.bridge.mode,
                                         late=self.bridge.scheduler.lateness.late_events))
