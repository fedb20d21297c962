"""MIDI ports through python-rtmidi, with the backend chosen explicitly and reported.

rtmidi's default API on Linux is ALSA and it does not fall back: without ``/dev/snd/seq`` (no sound
hardware, containers, CI) it fails. :func:`choose_backend` therefore tries the preferred backend and
falls back to JACK with a log line, or raises a clear error naming what was tried. Ports are virtual
("sidl in" / "sidl out") unless a name or substring of an existing port is given. On Windows rtmidi
cannot create virtual ports: the error says to use loopMIDI and ``--in``/``--out``.

What a stage does to ports, and the answers here (measured on JACK, see ``docs/reliability.md``):

- rtmidi's ``close_port`` leaves the backend client open (and ``del`` does not reliably free it):
  every port is closed with :func:`close_handle`, which deletes the client at once.
- A virtual port whose name is already taken (a second bridge) would silently be renamed by JACK
  while the ready line still says "sidl out": refused instead, naming the clash.
- One unterminated SysEx (``F0 01``) makes rtmidi's JACK input hold everything after it until an
  ``F7`` comes: a :class:`SysexGuard` sends a marked ``F7`` to our own input every
  :data:`SYSEX_FLUSH_S`, which closes such a SysEx (and is dropped otherwise); what rtmidi held is
  then delivered and the decoder (:mod:`bridge.live.midi_in`) ends the SysEx at the first status byte.
- The backend dying (JACK server killed) is noticed by :class:`BackendWatch`, which closes the dead
  ports, waits for the server and reopens them.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sidl.bridge.errors import ParameterError, SidlError
from sidl.bridge.live.timebase import TimeSource, monotonic_now

log = logging.getLogger(__name__)

DEFAULT_NAME = "sidl"
DEFAULT_IN, DEFAULT_OUT = f"{DEFAULT_NAME} in", f"{DEFAULT_NAME} out"


MAX_NAME = 32


def check_name(name: object) -> str:
    """A bridge's name (``sidl run --name``) usable in port and client names on every backend, or
    :class:`ParameterError` naming it: 1..32 printable characters, no ":" (JACK's separator)."""
    if (not isinstance(name, str) or not 0 < len(name) <= MAX_NAME or name != name.strip() or ":" in name
            or not name.isprintable()):
        raise ParameterError(f"--name must be 1..{MAX_NAME} printable characters without ':' or edge spaces, "
                             f"got {name!r}")
    return name


def port_names(name: str = DEFAULT_NAME) -> tuple[str, str]:
    """The virtual ports of a bridge called ``name`` (``sidl run --name``): "NAME in", "NAME out"."""
    return f"{name} in", f"{name} out"


def client_name(name: str, kind: str) -> str:
    """The MIDI client that holds a bridge's ``kind`` ("in"/"out") port (JACK shows "NAME-in:NAME in")."""
    return f"{name}-{kind}"
SYSEX_FLUSH_S = 0.05  # how often the SysEx guard closes a SysEx left open on a JACK input (its worst added delay)
# the guard's flush: F7 behind two data bytes (0x7D is MIDI's non-commercial ID) that mark it as ours
GUARD_FLUSH = (0x7D, 0x7F, 0xF7)


class PortError(SidlError):
    """A MIDI backend or port cannot be used."""


def _apis() -> dict[str, int]:
    import rtmidi

    return {"alsa": rtmidi.API_LINUX_ALSA, "jack": rtmidi.API_UNIX_JACK, "coremidi": rtmidi.API_MACOSX_CORE,
            "winmm": rtmidi.API_WINDOWS_MM}


def _usable(name: str) -> str | None:
    """Why ``name`` cannot work here, or None."""
    import rtmidi

    api = _apis()[name]
    if api not in rtmidi.get_compiled_api():
        return "not compiled into this python-rtmidi"
    if name == "alsa" and not os.path.exists("/dev/snd/seq"):
        return "no ALSA sequencer (/dev/snd/seq is missing: no sound hardware or not in the audio group)"
    try:
        probe = rtmidi.MidiOut(rtapi=api, name=probe_client_name())
    except Exception as exc:  # rtmidi raises its own SystemError types
        return f"cannot start ({exc})"
    close_handle(probe)  # `del` would leave the probe's client open
    return None


def probe_client_name() -> str:
    """The backend probe's client name (this process's own, so a test can see it is gone)."""
    return f"sidl-probe-{os.getpid()}"


_ABANDONED: list[Any] = []  # outputs of a dead JACK server: never freed, never touched again


def abandon_handle(handle: Any) -> None:
    """Let go of a port whose JACK server died without touching its output side: rtmidi's
    ``close_port`` on a dead server's output waits 1 s for a process cycle, holding the GIL (the
    whole bridge stops), and after the server is back and a new client opened libjack has freed the
    old clients, so closing them then crashes (both measured). An input is closed (that is
    quick); an output is kept referenced forever, leaked (about 16 KB each)."""
    if hasattr(handle, "cancel_callback"):  # an input
        close_handle(handle)
    else:
        _ABANDONED.append(handle)


def close_handle(handle: Any) -> None:
    """Close an rtmidi port *and its client*: ``close_port`` alone leaves the JACK client open, and
    ``del`` frees it only when Python gets round to it (measured: a MidiOut closed and deleted still
    held its client name, so the next one was renamed "-01"). The handle must not be used after."""
    for step in ("cancel_callback", "close_port", "delete"):
        method = getattr(handle, step, None)
        if method is None:
            continue
        try:
            method()
        except Exception as exc:  # a port of a dead server: go on, free what can be freed
            log.debug("%s failed: %s", step, exc)


def choose_backend(preferred: str | None = None) -> str:
    """The backend to use: ``preferred`` if given (an error if it cannot work), else the platform's
    own (CoreMIDI, WinMM, ALSA) and, on Linux, JACK when ALSA is unavailable."""
    names = list(_apis())
    if preferred is not None:
        if preferred not in names:
            raise PortError(f"MIDI backend must be one of {', '.join(names)}, got {preferred!r}")
        why = _usable(preferred)
        if why:
            raise PortError(f"MIDI backend {preferred!r} cannot be used: {why}")
        return preferred
    order = {"darwin": ["coremidi"], "win32": ["winmm"]}.get(sys.platform, ["alsa", "jack"])
    reasons: list[str] = []
    for name in order:
        why = _usable(name)
        if why is None:
            if reasons:
                log.warning("MIDI backend %s (fell back: %s)", name, "; ".join(reasons))
            return name
        reasons.append(f"{name}: {why}")
    raise PortError("no MIDI backend works here: " + "; ".join(reasons)
                    + ("; on Linux without sound hardware start a JACK server (jackd -d dummy)" if sys.platform.startswith("linux") else ""))


def list_ports(backend: str) -> dict[str, list[str]]:
    import rtmidi

    api = _apis()[backend]
    midi_in, midi_out = rtmidi.MidiIn(rtapi=api, name="sidl-list"), rtmidi.MidiOut(rtapi=api, name="sidl-list")
    try:
        return {"inputs": list(midi_in.get_ports()), "outputs": list(midi_out.get_ports())}
    finally:
        close_handle(midi_in)
        close_handle(midi_out)


def _short_name(full: str) -> str:
    """A listed port's own name: JACK lists "client:port", ALSA "client:port 128:0", CoreMIDI "port"."""
    match = re.fullmatch(r"[^:]*:(.*?)(?: \d+:\d+)?", full)
    return match.group(1) if match else full


def _taken(kind: str, backend: str, name: str) -> list[str]:
    """Ports already named ``name`` that a virtual ``kind`` ("in"/"out") port of ours would clash with."""
    listed = list_ports(backend)["outputs" if kind == "in" else "inputs"]
    return [p for p in listed if p == name or _short_name(p) == name]


@dataclass
class OpenPort:
    """An open rtmidi port and what it is called (and, for a JACK input, its SysEx guard)."""

    handle: Any
    name: str
    virtual: bool
    guard: SysexGuard | None = None
    closed: bool = field(default=False, compare=False)
    server_gone: bool = field(default=False, compare=False)  # its JACK server died: close() abandons it

    def close(self) -> None:
        """Close the port and its client (idempotent; the handle must not be used after)."""
        if self.closed:
            return
        self.closed = True
        if self.guard is not None:
            self.guard.close(server_gone=self.server_gone)
        (abandon_handle if self.server_gone else close_handle)(self.handle)


def _open(kind: str, backend: str, port: str | None, default: str, client: str) -> OpenPort:
    import rtmidi

    if port is None:
        if backend == "winmm":
            raise PortError("Windows cannot create virtual MIDI ports: install loopMIDI, create two ports, "
                            "and pass them with --in and --out")
        taken = _taken(kind, backend, default)
        if taken:  # the backend would rename ours silently, and nobody would know which is which
            flag = "--in" if kind == "in" else "--out"
            raise PortError(f"a MIDI port named {default!r} already exists ({', '.join(taken)}): another sidl run "
                            f"is probably using it; stop that one first, give this one ports of its own with "
                            f"--name NAME, or connect it to another port with {flag} NAME")
    cls = rtmidi.MidiIn if kind == "in" else rtmidi.MidiOut
    handle = cls(rtapi=_apis()[backend], name=client)
    try:
        if port is None:
            handle.open_virtual_port(default)
            return OpenPort(handle, default, True)
        names = handle.get_ports()
        matches = ([i for i, n in enumerate(names) if n == port]
                   or [i for i, n in enumerate(names) if port.lower() in n.lower()])
        if not matches:
            raise PortError(f"no MIDI {kind}put port matches {port!r}; available: {names or 'none'}")
        handle.open_port(matches[0])
        return OpenPort(handle, names[matches[0]], False)
    except BaseException:
        close_handle(handle)  # a refused port leaves no client behind
        raise


def open_input(backend: str, callback: Callable[[list[int], float], None], port: str | None = None,
               client: str = "sidl-in", *, now: TimeSource = monotonic_now, virtual: str = DEFAULT_IN) -> OpenPort:
    """Open (or create) the input; ``callback(bytes, arrival_time)`` runs on rtmidi's thread, with the
    arrival time read from ``now`` (the clocks' time base: rtmidi's own stamps are deltas). SysEx,
    timing and active sensing are let through (the decoder needs clock bytes and copes with the rest)."""
    guard = SysexGuard(client) if backend == "jack" else None
    try:
        opened = _open("in", backend, port, virtual, client)
    except BaseException:
        if guard is not None:
            guard.close()
        raise
    # SysEx is let through: ignoring it in rtmidi loses every note after an unterminated one for good
    opened.handle.ignore_types(sysex=False, timing=False, active_sense=True)

    def deliver(event: tuple[list[int], float], _data: object = None) -> None:
        message = event[0]
        if len(message) >= 3 and tuple(message[-3:]) == GUARD_FLUSH:
            if len(message) == 3:
                return  # the guard's flush with no SysEx open
            # a SysEx the sender never ended, closed by the guard: hand it on open, so the decoder
            # ends it at the first status byte and reports it as unterminated
            message = message[:-3]
        try:
            callback(message, now())
        except Exception:  # the callback runs on rtmidi's thread: never let it die there
            log.exception("MIDI input callback failed")

    opened.handle.set_callback(deliver)
    if guard is not None:
        opened.guard = guard
        guard.attach()
    return opened


def open_output(backend: str, port: str | None = None, client: str = "sidl-out", *,
                virtual: str = DEFAULT_OUT) -> OpenPort:
    """Open the output port ``port`` (name or substring), or create the virtual ``virtual``."""
    return _open("out", backend, port, virtual, client)


JACK_DUMMY_PORT_MAX = 256  # ports of the JACK server --jack-dummy starts (see start_jack_dummy)


def start_jack_dummy(wait_seconds: float = 10.0) -> Any:
    """Start a JACK server with the dummy driver (no sound card) for this session, when ``jackd`` is
    installed and none runs; returns the process (stop it on exit) or None if one already runs."""
    import shutil
    import subprocess

    if shutil.which("jackd") is None or shutil.which("jack_wait") is None:
        raise PortError("no MIDI backend works and jackd is not installed: install jackd2 "
                        "(apt-get install jackd2) or run on a machine with ALSA/CoreMIDI")
    env = {**os.environ, "JACK_NO_AUDIO_RESERVATION": "1"}
    check = subprocess.run(["jack_wait", "-c"], capture_output=True, text=True, env=env)
    if check.stdout.strip() == "running":
        return None
    # --port-max: every JACK client maps the server's port table, and with jackd's default (2,048
    # ports) that table alone put 105 MB into each client's RSS; 256 ports is 60 MB less per client
    # and still far more than a bridge and a DAW's tracks use
    proc = subprocess.Popen(["jackd", "--no-realtime", "--port-max", str(JACK_DUMMY_PORT_MAX),
                             "-d", "dummy", "-r", "48000", "-p", "256"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    ok = subprocess.run(["jack_wait", "-w", "-t", str(int(wait_seconds))], capture_output=True, env=env)
    if ok.returncode != 0:
        proc.kill()
        raise PortError("started jackd with the dummy driver, but it did not come up")
    # said, not warned: asked for (--jack-dummy, make run) or the only way to play here, and the ready
    # message names JACK and how to connect; a WARNING line before it reads like a failure to a newcomer
    log.info("no MIDI backend was running: started a JACK server with the dummy driver (connect with "
             "jack_connect or a JACK patchbay)")
    return proc


def stop_jack_dummy(proc: Any, wait_seconds: float = 5.0) -> None:
    """Stop a server :func:`start_jack_dummy` started (None: it started none)."""
    import subprocess

    if proc is None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=wait_seconds)
    except subprocess.TimeoutExpired:  # jackd can linger on a departing client: make sure it goes
        proc.kill()
        proc.wait(timeout=wait_seconds)


class SysexGuard:
    """Keeps a JACK input hearing after an unterminated SysEx.

    rtmidi's JACK input appends every event after an ``F0`` to that SysEx until one ends in ``F7``,
    and delivers nothing meanwhile (ignoring SysEx drops them all instead): one ``F0 01`` from a
    faulty device makes the bridge deaf. The guard is a JACK output of our own, connected to our
    input, that sends :data:`GUARD_FLUSH` (two marker bytes and ``F7``) every :data:`SYSEX_FLUSH_S`:
    with no SysEx open rtmidi passes it on alone and :func:`open_input` drops it; with one open it
    closes it, and what rtmidi held is delivered (late by at most the interval) with the marker at
    its end, which :func:`open_input` strips, so the decoder sees the SysEx unterminated, ends it at
    the first status byte and keeps what follows. Build it *before* opening the input (it tells the
    new port from the ones already there), then :meth:`attach`."""

    def __init__(self, client: str, interval: float = SYSEX_FLUSH_S) -> None:
        import rtmidi

        self.interval = interval
        self.client = client  # the input's client name: the port to guard is one of its
        self.handle = rtmidi.MidiOut(rtapi=rtmidi.API_UNIX_JACK, name=f"{client}-guard")
        self._before = set(self.handle.get_ports())
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.target: str | None = None

    def attach(self) -> None:
        """Connect to the input port opened since construction and start flushing."""
        names = self.handle.get_ports()
        new = [i for i, n in enumerate(names) if n not in self._before  # ours, not another app's new port
               and re.fullmatch(re.escape(self.client) + r"(-\d+)?", n.split(":", 1)[0])]
        if not new:
            log.warning("SysEx guard: cannot find the input port just opened; an unterminated SysEx will "
                        "make the input deaf until an F7 arrives")
            return
        self.target = names[new[0]]
        self.handle.open_port(new[0], "sysex guard")
        self._thread = threading.Thread(target=self._run, name="sidl-sysex-guard", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            with self._lock:
                if self._stop.is_set():
                    return
                try:
                    self.handle.send_message(list(GUARD_FLUSH))
                except Exception as exc:  # a dead server: the backend watch will replace us
                    log.debug("SysEx guard send failed: %s", exc)

    def close(self, server_gone: bool = False) -> None:
        self._stop.set()
        with self._lock:  # never free the handle under a send
            (abandon_handle if server_gone else close_handle)(self.handle)
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=1.0)


class PortWatch:
    """Keeps one port in use: a port connected by name (not a virtual one) is checked for presence
    (:meth:`check` notices that it disappeared — the DAW quit, a device was unplugged —, calls
    ``on_lost``, and reopens it when a matching port returns); any port is dropped and reopened
    around an outage of the backend itself (:class:`BackendWatch` calls :meth:`detach`, :meth:`lost`
    and :meth:`restore`).
    ``close`` closes a port (default :meth:`OpenPort.close`; the output's owner passes its own)."""

    def __init__(self, current: OpenPort, wanted: str | None, reopen: Callable[[], OpenPort],
                 on_lost: Callable[[], object] = lambda: None, *,
                 close: Callable[[OpenPort], None] | None = None) -> None:
        self.current: OpenPort | None = current
        self.wanted = wanted
        self.reopen = reopen
        self.on_lost = on_lost
        self.close_port = close or OpenPort.close
        self.server: BackendWatch | None = None  # set by BackendWatch.add: no checks while it is down
        self.losses = 0

    def check(self) -> str | None:
        """"lost", "restored" or None (nothing changed)."""
        if self.server is not None and not self.server.up:
            return None  # the backend is down: BackendWatch reopens everything when it returns
        if self.current is None:
            return "restored" if self._reopen() else None
        if self.wanted is None:
            return None  # a virtual port is ours: only the backend can take it away
        try:
            present = self.current.name in self.current.handle.get_ports()
        except Exception:
            present = False
        if present:
            return None
        self.losses += 1
        log.warning("MIDI port %r disappeared; waiting for it to return", self.current.name)
        try:
            self.on_lost()
        finally:
            self._close()
        return "lost"

    def _close(self) -> None:
        port, self.current = self.current, None
        if port is not None:
            try:
                self.close_port(port)
            except Exception:  # already gone with its client
                log.debug("closing the lost port failed", exc_info=True)

    def _reopen(self) -> bool:
        try:
            self.current = self.reopen()
        except PortError as exc:
            log.debug("reopening %s: %s", self.wanted or "the virtual port", exc)
            return False
        log.warning("MIDI port %r is back", self.current.name)
        return True

    def detach(self) -> OpenPort | None:
        """The backend went away: stop using the port; returns it, for :class:`BackendWatch` to
        close (and ``on_lost`` to be called: :meth:`lost`)."""
        port, self.current = self.current, None
        return port

    def lost(self) -> None:
        try:
            self.on_lost()
        except Exception:
            log.exception("releasing after the MIDI backend went away failed")

    def restore(self) -> bool:
        """The backend is back: reopen (a named port not there yet is retried by :meth:`check`)."""
        return self.current is not None or self._reopen()

    def close(self) -> None:
        self._close()


class BackendWatch:
    """The MIDI backend itself. Only a JACK server can be watched (:mod:`bridge.live.jack_watch`);
    for the other backends this stays inert. When the server goes away, every added
    :class:`PortWatch` is dropped — its port closed, ``on_lost`` called (the output's releases the
    note ledger: nothing can be sent, and no stale note-off must follow later) — one line is logged,
    and reconnection is tried with a growing pause; when the server is back the ports are reopened."""

    def __init__(self, backend: str, *, now: TimeSource = monotonic_now) -> None:
        self.backend = backend
        self.watches: list[PortWatch] = []
        self.up = True
        self.outages = 0
        self.server: Any = None
        if backend == "jack":
            from sidl.bridge.live.jack_watch import JackServerWatch

            try:
                self.server = JackServerWatch(now=now)
            except OSError as exc:
                log.warning("cannot watch the JACK server (%s): if it restarts, restart sidl run too", exc)

    def add(self, watch: PortWatch) -> PortWatch:
        watch.server = self
        self.watches.append(watch)
        return watch

    def check(self) -> str | None:
        """"lost", "restored" or None; cheap while the server runs (a flag), call it often."""
        if self.server is None:
            return None
        if self.up:
            if not self.server.gone():
                return None
            self.up = False
            self.outages += 1
            log.warning("the JACK server went away: MIDI ports closed, sounding notes forgotten; "
                        "waiting for it to return")
            self._drop_all()
            self.server.release()  # only after every dead port is closed (see jack_watch)
            return "lost"
        if not self.server.reconnect():
            return None
        self.up = True
        reopened = [watch.restore() for watch in self.watches]
        log.warning("the JACK server is back: %d of %d MIDI port(s) reopened", sum(reopened), len(reopened))
        return "restored"

    def usable(self) -> bool:
        """False from the moment the server is gone (a flag libjack sets): sends must stop at once,
        since rtmidi blocks — holding the GIL — once a dead output's buffer is full (measured)."""
        return self.up and (self.server is None or not self.server.gone())

    def _drop_all(self) -> None:
        """Close every port of the dead server (all before any reconnection, see
        :func:`abandon_handle`), then release what sounded."""
        for watch in self.watches:
            port = watch.detach()
            if port is not None:
                port.server_gone = True
                watch.close_port(port)
        for watch in self.watches:
            watch.lost()  # the output's: the ledger is released (nothing can be sent, no stale note-off later)

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
