"""The note-off ledger: no path may leave a note hanging.

Every note-on the bridge sends is recorded per (port, channel, pitch), counting re-triggers; every
note-off sent takes one off. :meth:`NoteLedger.release_all` returns, for whatever still sounds, one
note-off per sounding note (as many as were struck), then sustain off (CC64 = 0) and all-notes-off
(CC123) on every channel that was used — the messages to send on stop, mode/model/scene change,
clock or port loss, and on SIGINT/SIGTERM/SIGHUP. Thread-safe: the scheduler and the signal path may
call it concurrently. A listener (:meth:`NoteLedger.watch`) hears whenever the *set* of sounding notes
changes — the persisted copy (:mod:`bridge.live.ledger_store`) writes then, off the timing path.

:func:`flood_messages` / :func:`send_paced` are ``sidl panic --port``'s: resets first, then a note-off
for every note of every channel, in bursts a receiver's buffer can take.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass

from sidl.bridge.errors import ParameterError

log = logging.getLogger(__name__)

SUSTAIN_CC = 64
ALL_SOUND_OFF_CC = 120
ALL_NOTES_OFF_CC = 123
# ``sidl panic --port`` sends 16 x 128 note-offs: in one burst a receiver dropped 1,901 of 2,080 (one
# JACK period's MIDI buffer holds a few hundred events), so they go in bursts with a pause between
PANIC_BURST = 64
PANIC_PAUSE_S = 0.01  # longer than a JACK period up to 480 frames at 48 kHz


@dataclass(frozen=True)
class ShortMessage:
    """A channel message to send: ``kind`` is note_on, note_off or control_change."""

    port: Hashable
    kind: str
    channel: int
    data1: int
    data2: int

    def to_bytes(self) -> list[int]:
        status = {"note_on": 0x90, "note_off": 0x80, "control_change": 0xB0}[self.kind]
        return [status | self.channel, self.data1, self.data2]


def _check(channel: int, pitch: int) -> None:
    if not 0 <= channel <= 15:
        raise ParameterError(f"MIDI channel must be 0..15, got {channel}")
    if not 0 <= pitch <= 127:
        raise ParameterError(f"MIDI note must be 0..127, got {pitch}")


class NoteLedger:
    """Counts sounding notes per (port, channel, pitch); see module docstring."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sounding: Counter[tuple[Hashable, int, int]] = Counter()
        self._channels: set[tuple[Hashable, int]] = set()
        self._listener: Callable[[], None] | None = None

    def watch(self, listener: Callable[[], None] | None) -> None:
        """Call ``listener()`` (from the changing thread, outside the lock: keep it to setting a flag)
        whenever the set of sounding notes changes; None stops it."""
        self._listener = listener

    def _changed(self) -> None:
        listener = self._listener
        if listener is not None:
            listener()

    def note_on(self, port: Hashable, channel: int, pitch: int, velocity: int) -> ShortMessage:
        """Record and return a note-on (velocity 0 is a note-off, as MIDI says)."""
        _check(channel, pitch)
        if not 0 <= velocity <= 127:
            raise ParameterError(f"MIDI velocity must be 0..127, got {velocity}")
        if velocity == 0:
            return self.note_off(port, channel, pitch)
        with self._lock:
            new = (port, channel, pitch) not in self._sounding
            self._sounding[(port, channel, pitch)] += 1
            self._channels.add((port, channel))
        if new:
            self._changed()
        return ShortMessage(port, "note_on", channel, pitch, velocity)

    def note_off(self, port: Hashable, channel: int, pitch: int) -> ShortMessage:
        """Record and return a note-off (a note-off for a silent note is harmless and still sent)."""
        _check(channel, pitch)
        key = (port, channel, pitch)
        with self._lock:
            gone = False
            if self._sounding.get(key, 0) > 1:
                self._sounding[key] -= 1
            else:
                gone = self._sounding.pop(key, None) is not None
        if gone:
            self._changed()
        return ShortMessage(port, "note_off", channel, pitch, 0)

    def sounding(self) -> dict[tuple[Hashable, int, int], int]:
        """What is sounding now: (port, channel, pitch) → how many note-ons are unanswered."""
        with self._lock:
            return dict(self._sounding)

    def release_all(self, port: Hashable | None = None) -> list[ShortMessage]:
        """Note-offs for every sounding note (of ``port``, or of all ports), then CC64 = 0 and CC123
        on every channel used; the ledger is left empty for what was released."""
        with self._lock:
            keys = [k for k in self._sounding if port is None or k[0] == port]
            offs = [ShortMessage(p, "note_off", ch, pitch, 0)
                    for (p, ch, pitch) in sorted(keys, key=repr) for _ in range(self._sounding[(p, ch, pitch)])]
            for key in keys:
                del self._sounding[key]
            channels = sorted((c for c in self._channels if port is None or c[0] == port), key=repr)
            self._channels.difference_update(channels)
        resets = [ShortMessage(p, "control_change", ch, cc, 0)
                  for (p, ch) in channels for cc in (SUSTAIN_CC, ALL_NOTES_OFF_CC)]
        if offs:
            log.info("released %d sounding note(s) on %d channel(s)", len(offs), len(channels))
            self._changed()
        return offs + resets


def release_messages(port: Hashable, notes: Iterable[tuple[int, int, int]]) -> list[ShortMessage]:
    """What :meth:`NoteLedger.release_all` would send for ``notes`` ((channel, pitch, count) each):
    the note-offs, then CC64 = 0 and CC123 on their channels (a previous run's leftovers)."""
    notes = sorted(notes)
    offs = [ShortMessage(port, "note_off", ch, pitch, 0) for ch, pitch, count in notes for _ in range(max(1, count))]
    channels = sorted({ch for ch, _, _ in notes})
    return offs + [ShortMessage(port, "control_change", ch, cc, 0) for ch in channels
                   for cc in (SUSTAIN_CC, ALL_NOTES_OFF_CC)]


def flood_messages(port: Hashable = "out", channels: Iterable[int] = range(16)) -> list[ShortMessage]:
    """Silence a port whose sender is unknown: on every channel sustain off, all notes off and all
    sound off *first* (they silence at once where honoured), then a note-off for each of the 128
    notes (for receivers that ignore CC123, as MIDI 1.0 allows)."""
    chans = list(channels)
    resets = [ShortMessage(port, "control_change", ch, cc, 0) for ch in chans
              for cc in (SUSTAIN_CC, ALL_NOTES_OFF_CC, ALL_SOUND_OFF_CC)]
    return resets + [ShortMessage(port, "note_off", ch, pitch, 0) for ch in chans for pitch in range(128)]


def send_paced(send: Callable[[ShortMessage], None], messages: Sequence[ShortMessage], *,
               burst: int = PANIC_BURST, pause: float = PANIC_PAUSE_S,
               sleep: Callable[[float], None] = time.sleep) -> int:
    """Send ``messages`` in order, ``burst`` at a time with ``pause`` seconds between bursts; returns
    how many were sent."""
    if burst < 1 or pause < 0:
        raise ParameterError(f"burst must be >= 1 and pause >= 0, got {burst} and {pause}")
    for start in range(0, len(messages), burst):
        if start:
            sleep(pause)
        for message in messages[start:start + burst]:
            send(message)
    return len(messages)
