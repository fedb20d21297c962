"""MIDI ports through python-rtmidi, with the backend chosen explicitly and reported.

rtmidi's default API on Linux is ALSA and it does not fall back: without ``/dev/snd/seq`` (no sound
hardware, containers, CI) it fails. :func:`choose_backend` therefore tries the preferred backend and
falls back to JACK with a log line, or raises a clear error naming what was tried. Ports are virtual
("sidl in" / "sidl out") unless a name or substring of an existing port is given. On Windows rtmidi
cannot create virtual ports: the error says to use loopMIDI and ``--in``/``--out``.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sidl.bridge.errors import SidlError
from sidl.bridge.live.timebase import TimeSource, monotonic_now

log = logging.getLogger(__name__)

DEFAULT_IN, DEFAULT_OUT = "sidl in", "sidl out"


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
        probe = rtmidi.MidiOut(rtapi=api, name="sidl-probe")
        del probe
    except Exception as exc:  # rtmidi raises its own SystemError types
        return f"cannot start ({exc})"
    return None


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
        midi_in.close_port()
        midi_out.close_port()


@dataclass
class OpenPort:
    """An open rtmidi port and what it is called."""

    handle: Any
    name: str
    virtual: bool


def _open(kind: str, backend: str, port: str | None, default: str, client: str) -> OpenPort:
    import rtmidi

    cls = rtmidi.MidiIn if kind == "in" else rtmidi.MidiOut
    handle = cls(rtapi=_apis()[backend], name=client)
    if port is None:
        if backend == "winmm":
            raise PortError("Windows cannot create virtual MIDI ports: install loopMIDI, create two ports, "
                            "and pass them with --in and --out")
        handle.open_virtual_port(default)
        return OpenPort(handle, default, True)
    names = handle.get_ports()
    matches = [i for i, n in enumerate(names) if n == port] or [i for i, n in enumerate(names) if port.lower() in n.lower()]
    if not matches:
        raise PortError(f"no MIDI {kind}put port matches {port!r}; available: {names or 'none'}")
    handle.open_port(matches[0])
    return OpenPort(handle, names[matches[0]], False)


def open_input(backend: str, callback: Callable[[list[int], float], None], port: str | None = None,
               client: str = "sidl-in", *, now: TimeSource = monotonic_now) -> OpenPort:
    """Open (or create) the input; ``callback(bytes, arrival_time)`` runs on rtmidi's thread, with the
    arrival time read from ``now`` (the clocks' time base: rtmidi's own stamps are deltas). SysEx,
    timing and active sensing are let through (the decoder needs clock bytes and copes with the rest)."""
    opened = _open("in", backend, port, DEFAULT_IN, client)
    opened.handle.ignore_types(sysex=False, timing=False, active_sense=True)

    def deliver(event: tuple[list[int], float], _data: object = None) -> None:
        try:
            callback(event[0], now())
        except Exception:  # the callback runs on rtmidi's thread: never let it die there
            log.exception("MIDI input callback failed")

    opened.handle.set_callback(deliver)
    return opened


def open_output(backend: str, port: str | None = None, client: str = "sidl-out") -> OpenPort:
    return _open("out", backend, port, DEFAULT_OUT, client)


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
    proc = subprocess.Popen(["jackd", "--no-realtime", "-d", "dummy", "-r", "48000", "-p", "256"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    ok = subprocess.run(["jack_wait", "-w", "-t", str(int(wait_seconds))], capture_output=True, env=env)
    if ok.returncode != 0:
        proc.kill()
        raise PortError("started jackd with the dummy driver, but it did not come up")
    log.warning("no MIDI backend was running: started a JACK server with the dummy driver (connect with "
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


class PortWatch:
    """Keeps a port that was connected by name (not a virtual one) alive: :meth:`check` notices that
    it disappeared (the DAW quit, a device was unplugged), calls ``on_lost``, and reopens it when a
    matching port returns. Virtual ports are ours and cannot disappear."""

    def __init__(self, current: OpenPort, wanted: str | None, reopen: Callable[[], OpenPort],
                 on_lost: Callable[[], object] = lambda: None) -> None:
        self.current: OpenPort | None = current
        self.wanted = wanted
        self.reopen = reopen
        self.on_lost = on_lost
        self.losses = 0

    def check(self) -> str | None:
        """"lost", "restored" or None (nothing changed)."""
        if self.wanted is None:
            return None
        if self.current is not None:
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
                try:
                    self.current.handle.close_port()
                except Exception:  # already gone with its client
                    log.debug("closing the lost port failed")
                self.current = None
            return "lost"
        try:
            self.current = self.reopen()
        except PortError:
            return None
        log.warning("MIDI port %r is back", self.current.name)
        return "restored"
