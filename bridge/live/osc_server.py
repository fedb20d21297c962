"""The guarded OSC receive path: UDP datagrams → validated control messages, and feedback replies.

python-osc parses messages here, but never sees a datagram unchecked, because its own server fails in
ways measured on this platform (``../shared/docs/platform-notes.md``): non-UTF-8 addresses raise,
a bundle with a negative element size loops forever, deep nesting overflows the stack, a future time
tag makes it sleep, address patterns can take seconds, and every unknown type tag logs a warning on
the root logger. So this receiver:

- binds 127.0.0.1 by default; another interface needs an explicit allowlist of sender hosts; a host,
  port or allowlist it cannot use, or a port already taken, is a :class:`ParameterError` naming it;
- caps the datagram size, walks bundles itself (sizes checked, depth ≤ 4, time tags ignored:
  everything is applied at once — live control should never wait in a queue), and refuses type
  tags it does not read before python-osc sees them;
- matches addresses exactly against the table (no patterns), validates and clamps the arguments
  (:func:`bridge.live.osc_table.validate`) and replies on ``/sidl/error`` with the reason for any
  refusal or clamp — but never answers feedback (a bridge's own replies, or another bridge's) and
  never replies to itself, so no two endpoints can keep each other talking;
- answers each sender at most ``REPLIES_PER_SECOND`` times a second (a bounded table of senders);
- keeps to ``CONTROL_DUTY`` of one core: past it the thread sleeps and datagrams wait in the socket,
  so control traffic cannot take the interpreter from the threads that time the notes;
- counts every rejected datagram and logs the first few, then one summary line a second.

Every limit is in :mod:`bridge.live.osc_table`, which ``docs/osc.md`` is generated from.
"""

from __future__ import annotations

import errno
import ipaddress
import logging
import socket
import struct
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from pythonosc.osc_message import OscMessage
from pythonosc.osc_message_builder import OscMessageBuilder

from sidl.bridge.errors import ParameterError, SidlError
from sidl.bridge.live.osc_table import (
    BY_PATH,
    CONTROL_BURST_S,
    CONTROL_DUTY,
    DEFAULT_HOST,
    DEFAULT_PORT,
    LOG_EVERY_S,
    LOG_FIRST,
    MAX_BUNDLE_DEPTH,
    MAX_DATAGRAM,
    MAX_REPLY,
    MAX_SENDERS,
    PREFIX,
    REPLIES_PER_SECOND,
    TYPE_TAGS,
    validate,
)

log = logging.getLogger(__name__)

Handler = Callable[[str, list[Any], tuple[str, int]], None]
Address = tuple[str, int]
_BUNDLE = b"#bundle\x00"
_TAGS = frozenset(TYPE_TAGS.encode())
_REJECTIONS = ("from_self", "not_allowed", "too_large", "malformed", "refused")  # counts of what came in

__all__ = ["MAX_BUNDLE_DEPTH", "MAX_DATAGRAM", "OscReceiver", "ReplyBudget", "build_message", "check_port",
           "parse_target", "resolve_host", "split_datagram"]


def build_message(path: str, args: Iterable[Any]) -> bytes:
    builder = OscMessageBuilder(path)
    for value in args:
        builder.add_arg(value)
    return bytes(builder.build().dgram)


def _check_type_tags(data: bytes) -> None:
    """Refuse a message whose type tags are not all ones the bridge reads (python-osc would log a
    warning per unknown tag, on the root logger) — before python-osc parses it."""
    end = data.find(b"\x00")
    if end < 0:
        raise ValueError("unterminated address")
    pos = (end + 4) & ~3
    if pos >= len(data):
        return  # no type tag string: no arguments
    if data[pos] != ord(","):
        raise ValueError("the type tag string does not start with ','")
    tags_end = data.find(b"\x00", pos)
    if tags_end < 0:
        raise ValueError("unterminated type tag string")
    unknown = set(data[pos + 1 : tags_end]) - _TAGS
    if unknown:
        raise ValueError(f"type tag {chr(min(unknown))!r} is not one the bridge reads ({' '.join(TYPE_TAGS)})")


def split_datagram(data: bytes, depth: int = 0) -> list[tuple[str, list[Any]]]:
    """The (address, arguments) of every message in a datagram; raises ValueError on anything
    malformed (the caller counts it)."""
    if data.startswith(b"/"):
        _check_type_tags(data)
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


# ---------------------------------------------------------------------------- settings checked
def check_port(port: object, what: str = "OSC port") -> int:
    """``port`` as a UDP port number (0: any free port), or :class:`ParameterError` naming it."""
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise ParameterError(f"{what} must be a whole number within 0..65535, got {port!r}")
    return port


def resolve_host(host: object, what: str = "OSC host") -> str:
    """The IPv4 address of ``host`` (an address or a name this machine resolves), or
    :class:`ParameterError` naming it."""
    if not isinstance(host, str) or not host.strip():
        raise ParameterError(f"{what} must be an IPv4 address or a host name, got {host!r}")
    try:
        return socket.gethostbyname(host.strip())
    except (OSError, UnicodeError) as exc:
        raise ParameterError(f"{what} {host!r} is not an IPv4 address or a name this machine resolves ({exc})") from None


def parse_target(text: object, what: str = "--feedback") -> Address:
    """``HOST:PORT`` (or ``PORT``: on 127.0.0.1) as a (host, port) to send to, or
    :class:`ParameterError` naming the text."""
    if not isinstance(text, str):
        raise ParameterError(f"{what} must be HOST:PORT, got {text!r}")
    host, _, port = text.rpartition(":")
    try:
        number = int(port)
    except ValueError:
        raise ParameterError(f"{what} must be HOST:PORT (e.g. 127.0.0.1:9001), got {text!r}") from None
    if not 1 <= number <= 65535:
        raise ParameterError(f"{what} port must be within 1..65535, got {text!r}")
    return resolve_host(host or DEFAULT_HOST, what), number


class ReplyBudget:
    """Replies allowed per sender: ``rate`` a second (a token bucket each), for at most ``senders``
    senders at once — the least recently heard is forgotten first, so the table is bounded whatever
    the senders (a flood from many ports, spoofed addresses)."""

    def __init__(self, rate: float = REPLIES_PER_SECOND, senders: int = MAX_SENDERS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.senders, self.clock = float(rate), senders, clock
        self._buckets: OrderedDict[Address, list[float]] = OrderedDict()  # sender -> [tokens, last refill]

    def __len__(self) -> int:
        return len(self._buckets)

    def take(self, sender: Address) -> bool:
        """Whether ``sender`` may get one more reply now (and count it)."""
        now = self.clock()
        bucket = self._buckets.get(sender)
        if bucket is None:
            bucket = self._buckets[sender] = [self.rate, now]
            if len(self._buckets) > self.senders:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(sender)
            bucket[0] = min(self.rate, bucket[0] + (now - bucket[1]) * self.rate)
            bucket[1] = now
        if bucket[0] < 1.0:
            return False
        bucket[0] -= 1.0
        return True


class DutyCycle:
    """The control thread's share of one core: ``spend(cpu_seconds, now)`` returns how long to sleep
    so that, past a ``burst`` of work, it uses at most ``share`` of the time (the rest is the timing
    threads': the interpreter lock is theirs while this one sleeps)."""

    def __init__(self, share: float = CONTROL_DUTY, burst: float = CONTROL_BURST_S, now: float = 0.0) -> None:
        self.share, self.burst = share, burst
        self.credit, self.last = burst, now

    def spend(self, seconds: float, now: float) -> float:
        self.credit = min(self.burst, self.credit + (now - self.last) * self.share) - seconds
        self.last = now
        return -self.credit / self.share if self.credit < 0 else 0.0


class OscReceiver:
    """A UDP OSC control server on its own thread; ``handler(path, values, sender)`` gets each valid
    message (values already clamped). Handler exceptions are logged and counted, never fatal."""

    def __init__(self, handler: Handler, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                 allow: Iterable[str] | None = None, max_datagram: int = MAX_DATAGRAM) -> None:
        ip = resolve_host(host, "OSC host (--osc-host)")
        port = check_port(port, "OSC port (--osc-port)")
        loopback = ipaddress.ip_address(ip).is_loopback
        if allow is not None and isinstance(allow, str):
            allow = allow.split(",")
        allowed = None if allow is None else {resolve_host(h, "OSC allowed host (--osc-allow)") for h in allow if h.strip()}
        if not loopback and not allowed:
            raise ParameterError(f"listening on {host} (not loopback) needs an allowlist of sender hosts (--osc-allow)")
        self.handler = handler
        self.allow = allowed
        self.max_datagram = max_datagram
        self.counts: Counter[str] = Counter()
        self.budget = ReplyBudget()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            self._sock.bind((ip, port))
        except OSError as exc:
            self._sock.close()
            in_use = exc.errno == errno.EADDRINUSE or getattr(exc, "winerror", None) == 10048
            taken = "is in use (another sidl run?); choose another with --osc-port" if in_use \
                else f"cannot be used ({exc.strerror or exc})"
            raise ParameterError(f"OSC port {port} on {host} {taken}") from None
        self._sock.settimeout(0.2)
        self._port = int(self._sock.getsockname()[1])
        self._own_ips = self._reaching_ips(ip)
        self._thread: threading.Thread | None = None
        self._running = threading.Event()
        self._log_state = {"logged": 0, "unlogged": 0, "since": 0.0, "last": float("-inf")}
        self._last_detail = ""
        self._duty = DutyCycle(now=time.perf_counter())
        # sender -> where its replies go; the controller adds the feedback ports the sender registered
        self.reply_targets: Callable[[Address], list[Address]] = lambda sender: [sender]
        self.on_stop: list[Callable[[], None]] = []  # called by stop() (the controller's feedback thread ends)

    @staticmethod
    def _reaching_ips(ip: str) -> frozenset[str]:
        """Addresses a datagram to this socket's port may be sent to and arrive here (for
        refusing the bridge's own address): the bound one, loopback, and this host's own when bound
        to every interface."""
        ips = {ip, "127.0.0.1", "0.0.0.0"}
        if ip == "0.0.0.0":
            try:
                ips |= {str(info[4][0]) for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
            except OSError:
                pass
        return frozenset(ips)

    @property
    def address(self) -> Address:
        host, port = self._sock.getsockname()[:2]
        return str(host), int(port)

    def reaches_me(self, target: Address) -> bool:
        """Whether sending to ``target`` would arrive at this receiver (its own port on an address
        that reaches it: the bound one, any loopback address, this host's own)."""
        host, port = target
        if port != self._port:
            return False
        try:
            ip = socket.gethostbyname(host)
        except (OSError, UnicodeError):
            return False
        return ip in self._own_ips or ipaddress.ip_address(ip).is_loopback

    @property
    def running(self) -> bool:
        return self._running.is_set()

    def start(self) -> None:
        self._running.set()
        self._thread = threading.Thread(target=self._serve, name="sidl-osc-in", daemon=True)
        self._thread.start()
        log.info("OSC control on udp://%s:%d", *self.address)

    def stop(self) -> None:
        self._running.clear()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
        for hook in self.on_stop:
            try:
                hook()
            except Exception:  # one failing hook must not keep the socket open
                log.exception("OSC stop hook failed")
        self._flush_log(force=True)
        self._sock.close()

    def send(self, target: Address, path: str, args: Iterable[Any] = ()) -> None:
        """Feedback from the server's own socket (so replies come from the address clients know)."""
        self.send_datagram(target, build_message(path, args), path)

    def send_datagram(self, target: Address, data: bytes, path: str = "") -> bool:
        """One built datagram to ``target``; never larger than the reply limit, never to itself."""
        if len(data) > MAX_REPLY:
            self.counts["reply_too_large"] += 1
            log.warning("not sending %s to %s: %d bytes is over the %d-byte limit", path, target, len(data), MAX_REPLY)
            return False
        if self.reaches_me(target):
            self.counts["reply_to_self"] += 1
            return False
        try:
            self._sock.sendto(data, target)
        except OSError as exc:
            self.counts["send_failed"] += 1
            log.debug("feedback to %s failed: %s", target, exc)
            return False
        self.counts["sent"] += 1
        return True

    def reply(self, sender: Address, path: str, args: Iterable[Any] = ()) -> bool:
        """A reply to ``sender``, sent to every address :attr:`reply_targets` names for it, within
        the sender's reply budget (False: over it, counted, not sent)."""
        if not self.budget.take(sender):
            self.counts["reply_limited"] += 1
            return False
        data = build_message(path, args)
        for target in self.reply_targets(sender):
            self.send_datagram(target, data, path)
        return True

    def _serve(self) -> None:
        while self._running.is_set():
            try:
                data, sender = self._sock.recvfrom(self.max_datagram + 1)
            except TimeoutError:
                self._flush_log()
                continue
            except OSError:
                if self._running.is_set():
                    self.counts["socket_error"] += 1
                continue
            started = time.thread_time()
            self.handle_datagram(data, sender)
            pause = self._duty.spend(time.thread_time() - started, time.perf_counter())
            if pause > 0:  # over its share of the core: the notes' threads go first
                self.counts["throttled"] += 1
                time.sleep(pause)

    def handle_datagram(self, data: bytes, sender: Address) -> int:
        """Process one datagram; returns how many messages reached the handler."""
        if self.reaches_me(sender):  # our own reply come back (a loop through a registration)
            return self._reject("from_self", sender, "a datagram this receiver sent")
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
            known = BY_PATH.get(path)
            if known is not None and known.direction == "out":
                # feedback (another bridge's, or ours come back): answering it could start a loop
                self.counts["feedback_ignored"] += 1
                continue
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

    def rejected(self) -> int:
        """How many datagrams or messages were rejected so far."""
        return sum(self.counts[k] for k in _REJECTIONS)

    def _reject(self, why: str, sender: Address, detail: str) -> int:
        """Count a rejection; log the first few, then one summary line per LOG_EVERY_S (a flood
        must not flood the log)."""
        self.counts[why] += 1
        state = self._log_state
        self._last_detail = f"{sender[0]}:{sender[1]} {why}: {detail[:120]}"
        now = time.monotonic()
        if now - state["last"] > 60 * LOG_EVERY_S:  # quiet for a minute: the next few are told again
            state["logged"] = 0
        state["last"] = now
        if state["logged"] < LOG_FIRST:
            state["logged"] += 1
            log.warning("OSC from %s:%d rejected (%s: %s)", sender[0], sender[1], why, detail[:120])
            state["since"] = now
            return 0
        state["unlogged"] += 1
        self._flush_log(now)
        return 0

    def _flush_log(self, now: float | None = None, *, force: bool = False) -> None:
        state = self._log_state
        now = time.monotonic() if now is None else now
        if state["unlogged"] and (force or now - state["since"] >= LOG_EVERY_S):
            log.warning("OSC: %d more datagrams rejected in %.1f s (%d in all; last: %s)", state["unlogged"],
                        now - state["since"], self.rejected(), self._last_detail)
            state["unlogged"], state["since"] = 0, now
