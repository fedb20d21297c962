"""MIDI ports through a real JACK server (dummy driver): virtual ports, connection by name, bytes."""

from __future__ import annotations

import threading
import time

import pytest

from sidl.bridge.live.ports import PortError, choose_backend, list_ports, open_input, open_output


def test_backend_choice_falls_back_to_jack(jack_server: object) -> None:
    backend = choose_backend()
    assert backend in ("alsa", "jack")
    assert choose_backend("jack") == "jack"
    with pytest.raises(PortError, match="must be one of"):
        choose_backend("oss")


def test_virtual_ports_carry_notes_both_ways(jack_server: object) -> None:
    import rtmidi

    got: list[list[int]] = []
    times: list[float] = []
    arrived = threading.Event()

    def on_input(data: list[int], t: float) -> None:
        got.append(data)
        times.append(t)
        arrived.set()

    bridge_in = open_input("jack", on_input, client="test-sidl-in", now=lambda: 42.0)  # the clocks' time base
    bridge_out = open_output("jack", client="test-sidl-out")
    assert bridge_in.virtual and bridge_in.name == "sidl in"
    ports = list_ports("jack")
    assert any("sidl in" in p for p in ports["outputs"]) and any("sidl out" in p for p in ports["inputs"])

    player = open_output("jack", port="sidl in", client="test-player")  # connect by substring
    listener = rtmidi.MidiIn(rtapi=rtmidi.API_UNIX_JACK, name="test-listener")
    heard: list[list[int]] = []
    listener.set_callback(lambda ev, _=None: heard.append(ev[0]))
    listener.open_port([i for i, n in enumerate(listener.get_ports()) if "sidl out" in n][0])
    time.sleep(0.2)
    player.handle.send_message([0x99, 36, 100])
    assert arrived.wait(2.0) and got[0] == [0x99, 36, 100] and times == [42.0]
    bridge_out.handle.send_message([0x89, 36, 0])
    deadline = time.time() + 2.0
    while not heard and time.time() < deadline:
        time.sleep(0.01)
    assert heard and heard[0] == [0x89, 36, 0]
    with pytest.raises(PortError, match="no MIDI output port matches 'nonexistent'"):
        open_output("jack", port="nonexistent", client="test-missing")
    for p in (bridge_in, bridge_out, player):
        p.handle.close_port()
    listener.close_port()
