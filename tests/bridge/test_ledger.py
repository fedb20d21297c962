"""The note-off ledger never lets a note hang."""

from __future__ import annotations

import threading

import pytest

from sidl.bridge.errors import ParameterError
from sidl.bridge.live.ledger import NoteLedger, ShortMessage


def test_every_note_on_gets_its_note_off_then_resets() -> None:
    ledger = NoteLedger()
    ledger.note_on("out", 9, 36, 100)
    ledger.note_on("out", 9, 36, 90)  # re-trigger before the first ended
    ledger.note_on("out", 9, 42, 70)
    ledger.note_on("out", 9, 42, 0)  # velocity 0 is a note-off
    ledger.note_on("other", 0, 60, 80)
    released = ledger.release_all()
    offs = [(m.port, m.channel, m.data1) for m in released if m.kind == "note_off"]
    assert sorted(offs, key=repr) == sorted([("out", 9, 36), ("out", 9, 36), ("other", 0, 60)], key=repr)
    ccs = [(m.port, m.channel, m.data1, m.data2) for m in released if m.kind == "control_change"]
    assert set(ccs) == {("out", 9, 64, 0), ("out", 9, 123, 0), ("other", 0, 64, 0), ("other", 0, 123, 0)}
    assert released.index(next(m for m in released if m.kind == "control_change")) == len(offs)  # offs first
    assert ledger.sounding() == {} and ledger.release_all() == []


def test_release_one_port_only() -> None:
    ledger = NoteLedger()
    ledger.note_on("a", 0, 60, 80)
    ledger.note_on("b", 0, 61, 80)
    assert [m.data1 for m in ledger.release_all("a") if m.kind == "note_off"] == [60]
    assert ledger.sounding() == {("b", 0, 61): 1}


def test_bytes_and_validation() -> None:
    assert ShortMessage("p", "note_on", 9, 36, 100).to_bytes() == [0x99, 36, 100]
    assert ShortMessage("p", "control_change", 0, 123, 0).to_bytes() == [0xB0, 123, 0]
    ledger = NoteLedger()
    with pytest.raises(ParameterError, match="channel must be 0..15, got 16"):
        ledger.note_on("p", 16, 60, 1)
    with pytest.raises(ParameterError, match="velocity must be 0..127, got 128"):
        ledger.note_on("p", 0, 60, 128)


def test_concurrent_use_balances() -> None:
    ledger = NoteLedger()

    def play(pitch: int) -> None:
        for _ in range(500):
            ledger.note_on("p", 0, pitch, 100)
            ledger.note_off("p", 0, pitch)

    threads = [threading.Thread(target=play, args=(p,)) for p in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert ledger.sounding() == {}
