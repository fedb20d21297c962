"""The guarded OSC path over real UDP: valid controls arrive, hostile datagrams cannot stop it."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Iterator

import pytest
from pythonosc.osc_message import OscMessage

from sidl.bridge.errors import ParameterError, SidlError
from sidl.bridge.live.osc_server import OscReceiver, build_message, split_datagram


@pytest.fixture
def server() -> Iterator[tuple[OscReceiver, list[tuple[str, list[object]]], threading.Event]]:
    got: list[tuple[str, list[object]]] = []
    arrived = threading.Event()

    def handler(path: str, values: list[object], sender: tuple[str, int]) -> None:
        if path == "/sidl/model":
            raise SidlError("no such model")
        got.append((path, values))
        arrived.set()

    rx = OscReceiver(handler, port=0)
    rx.start()
    yield rx, got, arrived
    rx.stop()


def _client() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(2.0)
    return sock


def _bundle(*elements: bytes, timetag: bytes = b"\x00" * 7 + b"\x01") -> bytes:
    return b"#bundle\x00" + timetag + b"".join(struct.pack(">i", len(e)) + e for e in elements)


def test_valid_and_clamped_messages_over_udp(server) -> None:  # type: ignore[no-untyped-def]
    rx, got, arrived = server
    client = _client()
    client.sendto(build_message("/sidl/denoise", [0.25]), rx.address)
    assert arrived.wait(2.0)
    assert got[-1][0] == "/sidl/denoise" and got[-1][1][0] == pytest.approx(0.25)
    client.sendto(build_message("/sidl/denoise", [3.0]), rx.address)
    reply = OscMessage(client.recv(4096))
    assert reply.address == "/sidl/error" and "clamped to 1.0" in reply.params[0]
    client.sendto(build_message("/sidl/mode", ["jam"]), rx.address)
    assert "must be one of loop, filter, generate" in OscMessage(client.recv(4096)).params[0]
    client.sendto(build_message("/sidl/model", ["missing"]), rx.address)  # the handler refuses
    assert "no such model" in OscMessage(client.recv(4096)).params[0]


def test_hostile_datagrams_are_counted_and_the_server_lives_on(server) -> None:  # type: ignore[no-untyped-def]
    rx, got, arrived = server
    client = _client()
    nested = build_message("/sidl/panic", [])
    for _ in range(2000):
        nested = _bundle(nested)
    hostile = [
        b"/\xff\xfe\x00,\x00\x00\x00",  # non-UTF-8 address
        b"#bundle\x00" + b"\x00" * 8 + struct.pack(">i", -8) + b"\x00" * 8,  # negative element size
        nested[:8000],  # deep nesting (cut to fit the size cap)
        b"x" * 10000,  # too large
        b"\x00\x01garbage",
        build_message("/*a*a*a*a*a*a*a*ab", []),  # pathological pattern: exact match only
    ]
    start = time.monotonic()
    for data in hostile:
        client.sendto(data, rx.address)
    future = b"\xff" * 4 + b"\x00" * 4  # a time tag far in the future: applied at once, no sleeping
    arrived.clear()
    client.sendto(_bundle(build_message("/sidl/tempo", [100.0]), timetag=future), rx.address)
    assert arrived.wait(2.0) and time.monotonic() - start < 2.0
    assert got[-1][0] == "/sidl/tempo"
    assert rx.counts["malformed"] >= 3 and rx.counts["too_large"] == 1 and rx.counts["refused"] >= 1


def test_split_datagram_limits() -> None:
    msg = build_message("/sidl/panic", [])
    assert split_datagram(_bundle(msg, msg)) == [("/sidl/panic", []), ("/sidl/panic", [])]
    with pytest.raises(ValueError, match="nested deeper"):
        split_datagram(_bundle(_bundle(_bundle(_bundle(_bundle(msg))))))
    with pytest.raises(ValueError, match="bad bundle element size"):
        split_datagram(b"#bundle\x00" + b"\x00" * 8 + struct.pack(">i", 1000) + msg)


def test_other_interfaces_need_an_allowlist() -> None:
    with pytest.raises(ParameterError, match="allowlist"):
        OscReceiver(lambda *a: None, host="0.0.0.0", port=0)
    rx = OscReceiver(lambda *a: None, host="0.0.0.0", port=0, allow=["127.0.0.1"])
    assert rx.handle_datagram(build_message("/sidl/panic", []), ("10.0.0.9", 5000)) == 0
    assert rx.counts["not_allowed"] == 1
    assert rx.handle_datagram(build_message("/sidl/panic", []), ("127.0.0.1", 5000)) == 1
    rx.stop()


def test_errors_also_reach_the_port_a_sender_registered(server) -> None:  # type: ignore[no-untyped-def]
    rx, _, _ = server
    sender, listener = _client(), _client()  # Max's udpsend sends from one port, udpreceive listens on another
    registered = listener.getsockname()
    rx.reply_targets = lambda s: [s, registered] if s == sender.getsockname() else [s]
    sender.sendto(build_message("/sidl/denoise", ["loud"]), rx.address)
    assert "amount must be a number" in OscMessage(listener.recv(4096)).params[0]
    assert "amount must be a number" in OscMessage(sender.recv(4096)).params[0]
