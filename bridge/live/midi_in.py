"""Live MIDI input: raw bytes from a port callback → note and clock events. Never raises.

rtmidi hands over one message per callback, but a port may still deliver SysEx, running status or
real-time bytes in the middle of a message; the parser here copes with all of them. Anything the bridge
does not use is counted (``rejected``/``ignored``), never fatal: bad MIDI must not stop the daemon.

SysEx is never for the bridge: its bytes are skipped at C speed (a regular-expression search for the
next status byte), never stored, so a SysEx of any length costs no memory here. An *unterminated*
SysEx (``F0`` and no ``F7``) ends at the next status byte other than a real-time one, as MIDI 1.0
says; it is counted (``sysex_unterminated``) and logged once per :data:`SYSEX_LOG_EVERY_S`. This is
what keeps the notes after it: rtmidi's JACK input hands them over glued to the SysEx (see
:class:`~bridge.live.ports.SysexGuard`).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

log = logging.getLogger(__name__)

REALTIME = {"clock": 0xF8, "start": 0xFA, "continue": 0xFB, "stop": 0xFC}
SYSEX_LOG_EVERY_S = 10.0  # at most one log line per this many seconds about unterminated SysEx
_STATUS_BYTE = re.compile(rb"[\x80-\xff]")


@dataclass(frozen=True)
class NoteEvent:
    """A note at time ``t`` (seconds, monotonic); ``velocity`` 0 means note-off."""

    t: float
    channel: int
    pitch: int
    velocity: int


@dataclass(frozen=True)
class ClockEvent:
    """A transport message for :class:`~bridge.live.clock.MidiClock`: its status byte and data."""

    t: float
    status: int
    data: tuple[int, ...] = ()


_DATA_LENGTH = {0x80: 2, 0x90: 2, 0xA0: 2, 0xB0: 2, 0xC0: 1, 0xD0: 1, 0xE0: 2}
_COMMON_LENGTH = {0xF1: 1, 0xF2: 2, 0xF3: 1, 0xF6: 0}


class MidiInputDecoder:
    """Decodes one input port's bytes; ``channel`` (0–15) keeps only that channel's notes.

    A small MIDI 1.0 byte parser (mido's does not keep running status): real-time bytes are taken
    wherever they appear, SysEx is skipped, running status continues channel messages, and stray
    data bytes are counted and dropped.
    """

    def __init__(self, channel: int | None = None) -> None:
        if channel is not None and not 0 <= channel <= 15:
            raise ValueError(f"channel must be 0..15 or None, got {channel}")
        self.channel = channel
        self._status = 0  # running status (0: none)
        self._data: list[int] = []
        self._sysex = False
        self._last_sysex_log = float("-inf")
        self.counts: Counter[str] = Counter()

    def feed(self, data: Iterable[int], t: float) -> list[NoteEvent | ClockEvent]:
        """Events completed by ``data`` (bytes that arrived at time ``t``)."""
        out: list[NoteEvent | ClockEvent] = []
        try:
            items = data if isinstance(data, (list, tuple, bytes, bytearray)) else list(data)
        except TypeError:
            self.counts["rejected"] += 1
            return out
        try:
            raw = bytes(items)  # C speed; fails on anything that is not a sequence of 0..255
        except (TypeError, ValueError):
            return self._feed_checked(items, t, out)
        i, n = 0, len(raw)
        while i < n:
            if self._sysex:  # skip SysEx data to the next status byte without a Python loop
                found = _STATUS_BYTE.search(raw, i)
                if found is None:
                    break
                i = found.start()
            self._byte(raw[i], t, out)
            i += 1
        return out

    def _feed_checked(self, data: Iterable[int], t: float,
                      out: list[NoteEvent | ClockEvent]) -> list[NoteEvent | ClockEvent]:
        """Byte by byte, dropping values that are not bytes (a bad message, not the whole port)."""
        try:
            raw = [int(b) for b in data]
        except (TypeError, ValueError):
            self.counts["rejected"] += 1
            return out
        for b in raw:
            if not 0 <= b <= 255:
                self.counts["rejected"] += 1
                self._status, self._data, self._sysex = 0, [], False
                continue
            self._byte(b, t, out)
        return out

    def _byte(self, b: int, t: float, out: list[NoteEvent | ClockEvent]) -> None:
        if b >= 0xF8:  # real-time: may sit anywhere, changes nothing else
            if b in REALTIME.values():
                out.append(ClockEvent(t, b))
                self.counts["realtime"] += 1
            else:
                self.counts["ignored"] += 1
            return
        if b == 0xF0:
            self._sysex, self._status, self._data = True, 0, []
            return
        if b == 0xF7:
            # a stray F7 leaves running status alone (rtmidi delivers whole messages: one may continue
            # the last one's running status across it)
            if self._sysex:
                self.counts["ignored"] += 1  # a complete SysEx: not for us
            self._sysex = False
            return
        if b >= 0x80:
            if self._sysex:  # a status byte ends an unterminated SysEx (MIDI 1.0)
                self._sysex = False
                self._unterminated(t)
            self._status, self._data = b, []
            if b in _COMMON_LENGTH and _COMMON_LENGTH[b] == 0:
                self._status = 0
                self.counts["ignored"] += 1
            elif b >= 0xF0 and b not in _COMMON_LENGTH:
                self._status = 0  # undefined system common
                self.counts["rejected"] += 1
            return
        if self._sysex:
            return
        if not self._status:
            self.counts["stray"] += 1
            return
        self._data.append(b)
        kind = self._status & 0xF0 if self._status < 0xF0 else self._status
        needed = _DATA_LENGTH.get(kind, _COMMON_LENGTH.get(self._status, 0))
        if len(self._data) < needed:
            return
        event = self._convert(self._status, self._data, t)
        if self._status >= 0xF0:
            self._status = 0  # system common messages cancel running status
        self._data = []
        if event is None:
            self.counts["ignored"] += 1
        else:
            out.append(event)
            self.counts["note" if isinstance(event, NoteEvent) else "song_position"] += 1

    def _unterminated(self, t: float) -> None:
        self.counts["sysex_unterminated"] += 1
        if t - self._last_sysex_log >= SYSEX_LOG_EVERY_S:  # a faulty device may do it every bar
            self._last_sysex_log = t
            log.warning("MIDI input: an unterminated SysEx (F0 without F7) was dropped at the next status byte "
                        "(%d so far); the messages after it are kept", self.counts["sysex_unterminated"])

    def _convert(self, status: int, data: list[int], t: float) -> NoteEvent | ClockEvent | None:
        if status == 0xF2:
            return ClockEvent(t, 0xF2, (data[0], data[1]))
        kind, channel = status & 0xF0, status & 0x0F
        if kind not in (0x80, 0x90):
            return None
        if self.channel is not None and channel != self.channel:
            return None
        return NoteEvent(t, channel, data[0], data[1] if kind == 0x90 else 0)
