"""The guarded OSC receive path: UDP datagrams → validated control messages, and feedback replies.

python-osc parses messages here, but never sees a datagram unchecked, because its own server fails in
ways measured on this platform (``../shared/docs/platform-notes.md``): non-UTF-8 addresses raise,
a bundle with a negative element size loops forever, deep nesting overflows the stack, a future time
tag makes it sleep, and address patterns can take seconds. So this receiver:

- binds 127.0.0.1 by default; another interface needs an explicit allowlist of sender hosts;
- caps the datagram size, walks bundles itself (sizes checked, depth ≤ 4, time tags ignored:
  everything is applied at once — live control should never wait in a queue);
- matches addresses exactly against the table (no patterns), validates and clamps the arguments
  (:func:`bridge.live.osc_table.validate`) and replies on ``/sidl/error`` with the reason for any
  refusal or clamp;
- counts every rejected datagram and logs at a limited rate; nothing in a datagram can stop it.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from pythonosc.osc_message import OscMessage
from pythonosc.osc_message_builder import OscMessageBuilder

from sidl.bridge.errors import ParameterError, SidlError
from sidl.bridge.live.osc_table import DEFAULT_HOST, DEFAULT_PORT, PREFIX, validate

log = logging.getLogger(__name__)

Handler = Callable[[str, list[Any], tuple[str, int]], None]
MAX_DATAGRAM = 8192
MAX_BUNDLE_DEPTH = 4
_BUNDLE = b"#bundle\x00"


def build_message(path: str, args: Iterable[Any]) -> bytes:
    builder = OscMessageBuilder(path)
    for value in args:
        builder.add_arg(value)
    return bytes(builder.build().dgram)


def split_datagram(data: bytes, depth: int = 0) -> list[tuple[str, list[Any]]]:
    """The (address, arguments) of every message in a datagram; raises ValueError on anything
    malformed (the caller counts it)."""
    if data.startswith(b"/"):
        try:
            message = OscMessage(data)
            return [(message.address, list(message.params))]
        except Exception as exc:  # python-osc raises ParseError, UnicodeDecodeError, struct.error, …
            raise ValueError(f"malformed message ({type(exc).__name__})") from None
    if not data.startswith(_BUNDLE):
        raise ValueError("neither an OSC message nor a bundle")
    if depth >= MAX_BUNDLE_DEPTH:
        raise ValueError(f"bundles nested deeper than {MAX_BUNDLE_DEPTH}")
    out: list[tuple[str, list[Any]]] = []
    pos = len(_BUNDLE) + 8  # the time tag is ignored: applied now
    if len(data) < pos:
        raise ValueError("truncated bundle header")
    while pos < len(data):
        if pos + 4 > len(data):
            raise ValueError("truncated bundle element size")
        (size,) = struct.unpack(">i", data[pos : pos + 4])
        if size <= 0 or size % 4 or pos + 4 + size > len(data):
            raise ValueError(f"bad bundle element size {size}")
        out += split_datagram(data[pos + 4 : pos + 4 + size], depth + 1)
        pos += 4 + size
    return out


class OscReceiver:
    """A UDP OSC control server on its own thread; ``handler(path, values, sender)`` gets each valid
    message (values already clamped). Handler exceptions are logged and counted, never fatal."""

    def __init__(self, handler: Handler, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                 allow: Iterable[str] | None = None, max_datagram: int = MAX_DATAGRAM) -> None:
        loopback = ipaddress.ip_address(socket.gethostbyname(host)).is_loopback
        if not loopback and not allow:
            raise ParameterError(f"listening on {host} (not loopback) needs an allowlist of sender hosts (--osc-allow)")
        self.handler = handler
        self.allow = None if allow is None else {socket.gethostbyname(h) for h in allow}
        self.max_datagram = max_datagram
        self.counts: Counter[str] = Counter()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._sock.bind((host, port))
        self._sock.settimeout(0.2)
        self._thread: threading.Thread | None = None
        self._running = threading.Event()
        self._last_log = 0.0
        # sender -> where its replies go; the controller adds the feedback ports the sender registered
        self.reply_targets: Callable[[tuple[str, int]], list[tuple[str, int]]] = lambda sender: [sender]

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._sock.getsockname()[:2]
        return str(host), int(port)

    def start(self) -> None:
        self._running.set()
        self._thread = threading.Thread(target=self._serve, name="sidl-osc-in", daemon=True)
        self._thread.start()
        log.info("OSC control on udp://%s:%d", *self.address)

    def stop(self) -> None:
        self._running.clear()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
        self._sock.close()

    def send(self, target: tuple[str, int], path: str, args: Iterable[Any] = ()) -> None:
        """Feedback from the server's own socket (so replies come from the address clients know)."""
        try:
            self._sock.sendto(build_message(path, args), target)
        except OSError as exc:
            self.counts["send_failed"] += 1
            log.debug("feedback to %s failed: %s", target, exc)

    def reply(self, sender: tuple[str, int], path: str, args: Iterable[Any] = ()) -> None:
        """A reply to ``sender``, sent to every address :attr:`reply_targets` names for it."""
        values = list(args)
        for target in self.reply_targets(sender):
            self.send(target, path, values)

    def _serve(self) -> None:
        while self._running.is_set():
            try:
                data, sender = self._sock.recvfrom(self.max_datagram + 1)
            except TimeoutError:
                continue
            except OSError:
                if self._running.is_set():
                    self.counts["socket_error"] += 1
                continue
            self.handle_datagram(data, sender)

    def handle_datagram(self, data: bytes, sender: tuple[str, int]) -> int:
        """Process one datagram; returns how many messages reached the handler."""
        if self.allow is not None and sender[0] not in self.allow:
            return self._reject("not_allowed", sender, "sender not in the allowlist")
        if len(data) > self.max_datagram:
            return self._reject("too_large", sender, f"datagram of {len(data)} bytes")
        try:
            messages = split_datagram(data)
        except ValueError as exc:
            return self._reject("malformed", sender, str(exc))
        delivered = 0
        for path, args in messages:
            try:
                values, notes = validate(path, args)
            except ParameterError as exc:
                self._reject("refused", sender, str(exc))
                self.reply(sender, f"{PREFIX}/error", [str(exc)])
                continue
            for note in notes:
                self.counts["clamped"] += 1
                self.reply(sender, f"{PREFIX}/error", [note])
            try:
                self.handler(path, values, sender)
                delivered += 1
                self.counts["accepted"] += 1
            except SidlError as exc:
                self.counts["handler_refused"] += 1
                self.reply(sender, f"{PREFIX}/error", [f"{path}: {exc}"])
            except Exception:  # a bug in a handler must not take the control path down
                self.counts["handler_error"] += 1
                log.exception("OSC handler failed on %s", path)
        return delivered

    def _reject(self, why: str, sender: tuple[str, int], detail: str) -> int:
        self.counts[why] += 1
        now = time.monotonic()
        if now - self._last_log > 1.0:  # rate-limited: a flood must not flood the log
            self._last_log = now
            log.warning("OSC from %s:%d rejected (%s: %s); %d rejected so far", sender[0], sender[1], why,
                        detail[:120], sum(v for k, v in self.counts.items() if k not in ("accepted", "clamped")))
        return 0
