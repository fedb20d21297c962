"""``sidl run --demo``: the bridge played by a groove the project generates, no DAW needed.

A thread feeds the generated groove (looped) into the bridge's input at the clock's times, exactly as
notes from a port would arrive; what was sent in and what the bridge played are written to
``demo-in.mid`` and ``demo-out.mid`` at exit, so a newcomer can hear both.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from sidl.bridge.codecs import Note, Score, TempoMap, TimeSignature, save_score
from sidl.bridge.grooves import generate_groove
from sidl.bridge.live.daemon import LiveBridge

log = logging.getLogger(__name__)


class DemoFeed:
    """Plays a generated groove into ``bridge`` and records both sides (beats on the bridge's clock,
    times from the bridge's time base, as a port's notes would arrive)."""

    def __init__(self, bridge: LiveBridge, bars: int = 4, seed: int = 7) -> None:
        self.bridge = bridge
        self._now = bridge.now
        self.groove = generate_groove(bars=bars, seed=seed)
        self.loop_beats = bars * 4.0
        self.sent: list[Note] = []
        self.played: list[tuple[float, list[int]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._play, name="sidl-demo", daemon=True)

    def record_output(self, message: Any) -> None:
        """Wrap the output: everything the bridge sends is also kept for demo-out.mid."""
        self.played.append((self.bridge.clock.beat_at(self._now()), message.to_bytes()))

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2.0)

    def _play(self) -> None:
        clock = self.bridge.clock
        origin = (int(clock.beat_at(self._now()) // 4) + 1) * 4.0  # from the next bar
        events = sorted([(n.start, [0x99, n.pitch, n.velocity], n) for n in self.groove.notes]
                        + [(n.end, [0x89, n.pitch, 0], None) for n in self.groove.notes], key=lambda e: e[0])
        loop = 0
        while not self._stop.is_set():
            for beat, message, note in events:
                at = clock.time_at(origin + loop * self.loop_beats + beat)
                while (wait := at - self._now()) > 0:
                    if self._stop.wait(min(wait, 0.05)):
                        return
                self.bridge.on_midi(message, self._now())
                if note is not None:
                    start = origin + loop * self.loop_beats + beat
                    self.sent.append(Note(start, note.pitch, note.velocity, start + (note.end - note.start), 9))
            loop += 1

    def write(self, folder: str | Path) -> list[Path]:
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        tempo = TempoMap.constant(self.bridge.clock.bpm)
        meter = [TimeSignature(0.0, 4, 4)]
        played: list[Note] = []
        open_notes: dict[tuple[int, int], tuple[float, int]] = {}
        for beat, data in self.played:
            kind, key = data[0] & 0xF0, (data[0] & 0x0F, data[1])
            if kind == 0x90 and data[2] > 0:
                open_notes[key] = (beat, data[2])
            elif kind in (0x80, 0x90) and key in open_notes:
                start, velocity = open_notes.pop(key)
                played.append(Note(start, key[1], velocity, max(beat, start + 0.01), key[0]))
        paths = [save_score(Score(sorted(self.sent), tempo, meter), out / "demo-in.mid", track_name="sidl demo in"),
                 save_score(Score(sorted(played), tempo, meter), out / "demo-out.mid", track_name="sidl demo out")]
        log.info("demo: %d notes sent, %d played; written to %s", len(self.sent), len(played), out)
        return paths
