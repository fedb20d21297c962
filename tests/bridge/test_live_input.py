"""Live input: byte decoding that never breaks, and quantization identical to file encoding."""

from __future__ import annotations

import numpy as np

from sidl.bridge.codecs import DrumCodec, Note, PianoCodec, Score, TempoMap, TimeSignature, get_drum_map
from sidl.bridge.live.midi_in import ClockEvent, MidiInputDecoder, NoteEvent
from sidl.bridge.live.quantizer import RollingQuantizer


def test_running_status_sysex_and_realtime_bytes_do_not_break_parsing() -> None:
    dec = MidiInputDecoder()
    events = dec.feed([0x99, 36, 100, 38, 90], 1.0)  # running status: two note-ons
    events += dec.feed([0x99, 42, 0xF8, 70], 2.0)  # a clock tick in the middle of a message
    events += dec.feed([0xF0, 1, 2, 3, 0xF7, 0x89, 42, 0], 3.0)  # SysEx, then a note-off
    events += dec.feed([0xF2, 16, 1], 4.0)  # song position 144 sixteenths
    notes = [e for e in events if isinstance(e, NoteEvent)]
    assert [(n.pitch, n.velocity) for n in notes] == [(36, 100), (38, 90), (42, 70), (42, 0)]
    clocks = [e for e in events if isinstance(e, ClockEvent)]
    assert [(c.status, c.data) for c in clocks] == [(0xF8, ()), (0xF2, (16, 1))]
    assert dec.counts["ignored"] == 1  # the SysEx
    assert dec.counts["realtime"] == 1


def test_garbage_is_counted_and_parsing_recovers() -> None:
    dec = MidiInputDecoder()
    rng = np.random.default_rng(0)
    for _ in range(300):
        dec.feed(rng.integers(0, 256, size=int(rng.integers(1, 8))).tolist(), 0.0)
    assert dec.feed([300, 1], 0.0) == [] and dec.counts["rejected"] >= 1
    dec.feed([0xF7], 0.0)  # end any SysEx the random bytes opened
    assert dec.feed([0x90, 60, 64], 1.0)[-1] == NoteEvent(1.0, 0, 60, 64)


def test_channel_filter() -> None:
    dec = MidiInputDecoder(channel=9)
    assert dec.feed([0x90, 60, 64], 0.0) == []
    assert dec.feed([0x99, 36, 64], 0.0) == [NoteEvent(0.0, 9, 36, 64)]


def test_live_drum_window_equals_file_encoding() -> None:
    codec = DrumCodec()
    rng = np.random.default_rng(3)
    notes = []
    for i in range(40):  # two bars of jittered hits, some just before the bar line
        beat = 4.0 + i * 0.25 + rng.normal(0, 0.03)
        notes.append(Note(beat, int(rng.choice([36, 38, 42, 46])), int(rng.integers(20, 127)), beat + 0.1, 9))
    q = RollingQuantizer(codec, beats_per_bar=4, keep_bars=4)
    for n in notes:
        q.note(n.start, 9, n.pitch, n.velocity)
    live = q.window(end_bar=3, bars=2)  # bars 1 and 2: beats 4..12
    shifted = [Note(n.start - 4.0, n.pitch, n.velocity, n.end - 4.0, 9) for n in notes if n.start >= 4.0 - 0.125]
    ref = codec.encode(Score(shifted, TempoMap.constant(120), [TimeSignature(0, 4, 4)]), n_steps=32).array
    np.testing.assert_array_equal(live, ref)
    assert live[:9].sum() > 30


def test_input_drum_map_and_forgetting() -> None:
    codec = DrumCodec()
    q = RollingQuantizer(codec, beats_per_bar=4, keep_bars=1, drum_map=get_drum_map("ableton"))
    q.note(0.0, 9, 36, 100)
    q.note(8.0, 9, 36, 100)
    assert q.window(1, 1)[0, 0] == 1.0  # kick on step 0 of bar 0
    q.forget_before(3)
    assert not q.window(1, 1).any() and q.window(3, 1)[0, 0] == 1.0


def test_live_piano_window_keeps_durations() -> None:
    codec = PianoCodec(steps_per_beat=4)
    q = RollingQuantizer(codec, beats_per_bar=4, keep_bars=2)
    q.note(0.0, 0, 60, 90)
    q.note(1.0, 0, 60, 0)
    q.note(2.0, 0, 64, 70)  # still held at the window's end
    grid = q.window(1, 1)
    key60, key64 = 60 - 21, 64 - 21
    assert grid[key60, 0] == 1.0 and grid[2 * 88 + key60, :4].all() and not grid[2 * 88 + key60, 4:].any()
    assert grid[key64, 8] == 1.0 and grid[2 * 88 + key64, 8:].all()
