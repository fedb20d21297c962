"""``sidl ports`` for people: which ports to play into and which to listen to.

rtmidi names ports from the program's side: its "inputs" are the ports a program can *read* — MIDI
sources, which send (a keyboard, a DAW's output, and the bridge's "sidl out") — and its "outputs"
the ports a program can *write* — destinations, which receive (a synth, "sidl in"). Shown here from
the player's side, with the bridge's own ports named for what to do with them, and the flag that
picks any other port (``sidl run --in`` reads a source, ``--out`` writes a destination).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sidl.bridge.live.ports import DEFAULT_IN, DEFAULT_OUT


def _is(listed: str, port: str) -> bool:
    """``listed`` is the port named ``port`` as a backend lists it: JACK "client:port", ALSA
    "client:port 130:0", CoreMIDI "port", WinMM "port 1"."""
    own = re.sub(r" \d+(?::\d+)?$", "", listed)  # the backend's numbers
    return (own.split(":", 1)[1] if ":" in own else own) == port


def port_lines(report: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The lines of ``sidl ports`` from its report (backend → usable, why, inputs, outputs as rtmidi
    lists them)."""
    lines: list[str] = []
    bridge_seen = False
    for backend, info in report.items():
        if not info.get("usable"):
            if not str(info.get("why", "")).startswith("not compiled"):  # another platform's: not news here
                lines.append(f"{backend}: unavailable ({info.get('why')})")
            continue
        sources, destinations = list(info.get("inputs", [])), list(info.get("outputs", []))
        lines.append(f"{backend}:")
        lines.append("  play into (destinations: they receive MIDI; `sidl run --out NAME` plays into one):")
        lines += _listed(destinations, DEFAULT_IN, "the bridge's input: play into it")
        lines.append("  listen to (sources: they send MIDI; `sidl run --in NAME` listens to one):")
        lines += _listed(sources, DEFAULT_OUT, "the bridge's output: listen to it with an instrument")
        bridge_seen = bridge_seen or any(_is(n, DEFAULT_IN) for n in destinations)
    if not bridge_seen:
        lines.append(f'no sidl run is running here: `sidl run` makes "{DEFAULT_IN}" (play into it) and '
                     f'"{DEFAULT_OUT}" (listen to it)')
    return lines


def _listed(names: list[str], ours: str, meaning: str) -> list[str]:
    if not names:
        return ["    none"]
    return [f"    {name}" + (f"   <- {meaning}" if _is(name, ours) else "") for name in names]
