"""What ``sidl run`` tells a person (without ``--json``): when it is ready, what to connect where,
what to try next, and what it leaves behind when it stops. Plain functions of the ``ready``
announcement (the same dict ``--json`` prints), so the two can never disagree."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sidl.bridge.live.ports import DEFAULT_NAME, client_name

# how ports are connected, per backend (the virtual ports' own client names: bridge.live.ports)
CONNECT = {
    "jack": 'connect them with qjackctl, Carla or jack_connect (JACK names: "{jack_in}", "{jack_out}")',
    "alsa": "connect them with aconnect, qjackctl or your DAW's MIDI settings (`aconnect -l` lists them)",
    "coremidi": "they appear in every app's MIDI settings (Live, Logic, Max), like the IAC Driver's buses",
    "winmm": "pick the loopMIDI ports in your DAW",
}
BACKENDS = {"jack": "JACK", "alsa": "ALSA", "coremidi": "CoreMIDI", "winmm": "Windows MIDI"}
DOCS = "docs/live.md"


def ready_lines(ready: Mapping[str, Any], *, virtual_in: bool, virtual_out: bool, demo: str | None = None,
                idle_demo: bool = False) -> list[str]:
    """The ready message. ``virtual_in``/``virtual_out``: the bridge made its own ports (no ``--in``/
    ``--out``); ``demo``: the folder a demo writes to (``idle_demo``: it stops when someone plays)."""
    model = ready.get("model") or {}
    provider = str(ready.get("provider") or "cpu").upper()
    clock = ready.get("clock", "internal")
    tempo = f"{float(ready['bpm']):g} BPM" if clock == "internal" and ready.get("bpm") else "the tempo of that clock"
    source = {"internal": "internal clock", "midi": "MIDI clock from the input", "host": "host transport over OSC",
              "link": "Ableton Link"}.get(str(clock), str(clock))
    lines = [f"sidl: ready in {float(ready.get('ready_seconds', 0.0)):.1f} s: model {model.get('model', '?')} "
             f"({model.get('atoms', '?')} atoms, {model.get('atoms_per_bar', '?')} a bar) on {provider}, "
             f"{ready.get('mode', 'loop')} mode, {source} at {tempo}"]
    into, out = ready.get("input", "sidl in"), ready.get("output", "sidl out")
    backend = str(ready.get("backend", ""))
    channel = ready.get("output_channel")
    on_channel = f" on MIDI channel {channel}" if channel else ""
    if virtual_in:
        kind = BACKENDS.get(backend, backend)
        lines.append(f"  play into  {_quoted(into)}   from your keyboard, pads or a DAW track ({kind} MIDI)")
    else:
        lines.append(f"  listening  {_quoted(into)}   (--in)")
    if virtual_out:
        lines.append(f"  listen to  {_quoted(out)}  with an instrument{on_channel} (a drum rack, a synth)")
    else:
        lines.append(f"  playing    {_quoted(out)}{on_channel}   (--out)")
    if (virtual_in or virtual_out) and backend in CONNECT:
        name = str(ready.get("name", DEFAULT_NAME))
        lines.append("             " + CONNECT[backend].format(jack_in=f"{client_name(name, 'in')}:{into}",
                                                                jack_out=f"{client_name(name, 'out')}:{out}"))
    lines.append(f"  control    OSC on {ready.get('osc', '?')}  (panels for Max, Pd and Open Stage Control: "
                 "max_patches/)")
    session = ready.get("session")
    if session:
        scenes = ", ".join(map(str, session.get("scenes", []))) or "none"
        lines.append(f"  session    {session.get('file')} (scenes {scenes})")
    if demo is not None:
        until = " until you play into it" if idle_demo else ""
        lines.append(f"  demo       a generated groove plays into {_quoted(into)}{until}; what went in and what came "
                     f"out are written to {demo}/ when you stop")
        lines.append(f"  next       `sidl ports` shows what to connect; {DOCS} explains the modes and controls")
    else:
        lines.append(f"  next       nothing to play? `sidl run --demo` plays a groove into it; `sidl ports` shows what "
                     f"to connect; {DOCS}")
    lines.append("  stop       Ctrl-C (every sounding note is released)")
    return lines


def stop_lines(bars: int, demo_files: Sequence[str]) -> list[str]:
    """What a clean stop says."""
    lines = [f"sidl run stopped after {bars} bar{'s' if bars != 1 else ''}; every note was released"]
    if demo_files:
        written = " and ".join(_described(f) for f in demo_files)
        lines.append(f"wrote {written}: open them in any MIDI player or DAW")
    return lines


def demo_stopped_line(port: str) -> str:
    return f"you are playing into {_quoted(port)}: the demo groove stopped"


def _described(path: str) -> str:
    what = {"demo-in.mid": "what went in", "demo-out.mid": "what came out"}
    for name, meaning in what.items():
        if path.endswith(name):
            return f"{path} ({meaning})"
    return path


def _quoted(name: Any) -> str:
    return f'"{name}"'
