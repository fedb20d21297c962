"""Session files (TOML): a headless start restores ports, model, mode, maps, OSC settings and scenes.

``sidl run --session FILE.toml`` reads one (flags given on the command line win over the file);
``--save-session FILE.toml`` writes the running session at exit. Scenes are stored sparsely (atom,
column, value) with the sha256 of the model's weights: scenes of another model are refused, since a
code means nothing to a different dictionary. A tempo, mode or clock source the bridge does not
accept (:mod:`bridge.live.limits`) is refused on load, naming the file, the value and what is allowed.
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
    for key, check in (("bpm", check_bpm), ("mode", check_mode), ("clock", check_clock)):
        if key in settings:
            check(settings[key], f"session file {p}: {key}")
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


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value))  # a JSON string is a valid TOML basic string


def save_session(path: str | Path, settings: dict[str, Any], scenes: Mapping[int, np.ndarray], weights_sha256: str) -> Path:
    lines = [f"format = {FORMAT}", f"weights_sha256 = {_toml_value(weights_sha256)}", "", "[settings]"]
    lines += [f"{k} = {_toml_value(v)}" for k, v in settings.items() if k in SETTINGS and v is not None]
    for slot, code in sorted(scenes.items()):
        atoms, cols = np.nonzero(code)
        lines += ["", f'[scenes."{slot}"]', f"atoms = {_toml_value(atoms.tolist())}",
                  f"columns = {_toml_value(cols.tolist())}",
                  f"values = {_toml_value([round(float(v), 6) for v in code[atoms, cols]])}"]
    p = Path(path)
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p
