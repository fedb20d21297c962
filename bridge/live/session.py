"""Session files (TOML): a headless start restores ports, model, mode, maps, OSC settings and scenes.

``sidl run --session FILE.toml`` reads one (flags given on the command line win over the file);
``--save-session FILE.toml`` writes the running session at exit. Scenes are stored sparsely (atom,
column, value) with the sha256 of the model's weights: scenes of another model are refused, since a
code means nothing to a different dictionary. A tempo, mode or clock source the bridge does not
accept (:mod:`bridge.live.limits`), or an OSC port or feedback address that is not one, is refused on
load, naming the file, the value and what is allowed.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from collections.abc import Mapping
from typing import Any

import numpy as np

from sidl.bridge.errors import ParameterError
from sidl.bridge.live.limits import check_bpm, check_clock, check_mode
from sidl.bridge.live.osc_server import check_port, parse_target
from sidl.bridge.safe_io import write_text

SETTINGS = ("model", "mode", "clock", "bpm", "backend", "input", "out", "channel", "drum_map_in", "drum_map_out",
            "provider", "osc_host", "osc_port", "osc_allow", "feedback", "denoise", "feel")
FORMAT = 1


def load_session(path: str | Path) -> dict[str, Any]:
    """Settings and scenes from a session file; unknown keys are refused by name."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParameterError(f"session file {p} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError(f"session file {p} is not valid TOML ({exc})") from None
    if data.get("format", FORMAT) != FORMAT:
        raise ParameterError(f"session file {p} has format {data.get('format')!r}; this sidl reads format {FORMAT}")
    settings = data.get("settings", {})
    unknown = sorted(set(settings) - set(SETTINGS))
    if unknown:
        raise ParameterError(f"session file {p}: unknown setting(s) {unknown}; known: {', '.join(SETTINGS)}")
    for key, check in (("bpm", check_bpm), ("mode", check_mode), ("clock", check_clock), ("osc_port", check_port),
                       ("feedback", parse_target)):
        if key in settings:
            check(settings[key], f"session file {p}: {key}")
    for key in ("osc_host", "osc_allow"):  # resolved (and refused by name) where the OSC receiver is built
        if key in settings and not isinstance(settings[key], str):
            raise ParameterError(f"session file {p}: {key} must be a string, got {settings[key]!r}")
    return {"settings": settings, "scenes": data.get("scenes", {}), "weights_sha256": data.get("weights_sha256")}


def scenes_from(session: dict[str, Any], atoms: int, columns: int, weights_sha256: str) -> dict[int, np.ndarray]:
    """Dense scene codes for the loaded model; refuses scenes saved with other weights."""
    scenes = session.get("scenes") or {}
    if scenes and session.get("weights_sha256") != weights_sha256:
        raise ParameterError("the session's scenes were stored with another model's weights; "
                             "load the model they belong to or drop [scenes] from the file")
    out = {}
    for slot, entry in scenes.items():
        code = np.zeros((atoms, columns), np.float32)
        for a, c, v in zip(entry["atoms"], entry["columns"], entry["values"]):
            if not (0 <= a < atoms and 0 <= c < columns):
                raise ParameterError(f"scene {slot}: entry ({a}, {c}) is outside the model's code ({atoms} × {columns})")
            code[a, c] = v
        out[int(slot)] = code
    return out


def scene_bars_from(session: dict[str, Any], channels: int, steps: int) -> dict[int, np.ndarray]:
    """The bar each scene was played as, where the session stored one (a scene played back at
    morph 1 sounds as it was played: :mod:`sidl.bridge.feel`); refuses a bar of another grid."""
    out = {}
    for slot, entry in (session.get("scenes") or {}).items():
        if "bar_cells" not in entry:
            continue  # stored before bars were kept, or from a code alone: the dictionary's reading
        shape = entry.get("bar_shape")
        if shape != [channels, steps]:
            raise ParameterError(f"scene {slot}: its bar is {shape}, the model reads bars of [{channels}, {steps}]")
        bar = np.zeros(channels * steps, np.float32)
        cells, values = entry["bar_cells"], entry.get("bar_values", [])
        if len(cells) != len(values) or not all(isinstance(c, int) and 0 <= c < bar.size for c in cells):
            raise ParameterError(f"scene {slot}: bar_cells must be as many cell numbers within 0..{bar.size - 1} "
                                 f"as bar_values")
        bar[cells] = values
        out[int(slot)] = bar.reshape(channels, steps)
    return out


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value))  # a JSON string is a valid TOML basic string


def save_session(path: str | Path, settings: dict[str, Any], scenes: Mapping[int, np.ndarray], weights_sha256: str,
                 bars: Mapping[int, np.ndarray] | None = None) -> Path:
    """Write the session (whole or not at all); ``bars``: the bar each scene was played as, kept sparse."""
    bars = bars or {}
    lines = [f"format = {FORMAT}", f"weights_sha256 = {_toml_value(weights_sha256)}", "", "[settings]"]
    lines += [f"{k} = {_toml_value(v)}" for k, v in settings.items() if k in SETTINGS and v is not None]
    for slot, code in sorted(scenes.items()):
        atoms, cols = np.nonzero(code)
        lines += ["", f'[scenes."{slot}"]', f"atoms = {_toml_value(atoms.tolist())}",
                  f"columns = {_toml_value(cols.tolist())}",
                  f"values = {_toml_value([round(float(v), 6) for v in code[atoms, cols]])}"]
        if slot in bars:
            bar = np.asarray(bars[slot], np.float32)
            cells = np.flatnonzero(bar)
            lines += [f"bar_shape = {_toml_value(list(bar.shape))}", f"bar_cells = {_toml_value(cells.tolist())}",
                      f"bar_values = {_toml_value([round(float(v), 6) for v in bar.ravel()[cells]])}"]
    return write_text(Path(path), "\n".join(lines) + "\n")
