"""Building Max patchers as JSON, and the ``.amxd`` container (stdlib only, deterministic output).

:class:`Patcher` numbers boxes, fills in each class's inlet and outlet counts (from the table below,
checked against Max-saved files by ``tests/clients/test_max_client.py``) and records patchlines;
:func:`live_param` makes a Live-automatable ``live.*`` parameter; :func:`amxd` wraps a device's
patcher JSON in the Max for Live container. Used by ``make_sidl_max.py``.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable, Sequence
from typing import Any

# The 4-byte "meta" chunk as Max writes it: 0 for a device without dependencies (an empty
# "dependency_cache": this device uses none), 1 with dependencies (abstractions, files), 7 frozen.
# Read from every Max-saved .amxd in Ableton/maxdevtools (44 saves by Max 8.5.5 to 9.0.10; see the README).
AMXD_META = 0

Rect = Sequence[float]  # x, y, width, height

# ---- inlet/outlet counts of the classes used (see tests/clients/test_max_client.py for sources)
_FIXED: dict[str, tuple[int, int, list[str]]] = {
    "udpsend": (1, 0, []), "udpreceive": (1, 1, [""]), "prepend": (1, 1, [""]),
    "loadbang": (1, 1, ["bang"]), "metro": (2, 1, ["bang"]), "i": (2, 1, ["int"]),
    "+": (2, 1, ["int"]), "-": (2, 1, ["int"]), "*": (2, 1, ["int"]), "%": (2, 1, ["int"]),
    "/": (2, 1, ["float"]), "tosymbol": (1, 1, [""]), "split": (3, 2, ["int", "int"]),
    "dict.deserialize": (1, 1, ["dictionary"]), "umenu": (1, 3, ["int", "", ""]),
    "print": (1, 0, []), "midiin": (1, 1, ["int"]), "midiout": (1, 0, []),
    "live.thisdevice": (1, 3, ["bang", "int", "int"]), "live.path": (1, 3, ["", "", ""]),
    "live.observer": (2, 2, ["", ""]),
    "transport": (2, 9, ["int", "int", "float", "float", "float", "", "int", "float", ""]),
    "message": (2, 1, [""]), "comment": (1, 0, []), "button": (1, 1, ["bang"]),
    "toggle": (1, 1, ["int"]), "number": (1, 2, ["", "bang"]), "flonum": (1, 2, ["", "bang"]),
    "textedit": (1, 4, ["", "int", "", ""]), "matrixctrl": (1, 2, ["list", "list"]),
    "multislider": (1, 2, ["", ""]), "panel": (1, 0, []),
    "live.dial": (1, 2, ["", "float"]), "live.numbox": (1, 2, ["", "float"]),
    "live.tab": (1, 3, ["", "", "float"]), "live.text": (1, 2, ["", ""]), "live.toggle": (1, 1, [""]),
}


def _io_counts(name: str, args: list[str]) -> tuple[int, int, list[str]]:
    """Inlets, outlets and outlet types of a box class with these arguments."""
    n = len(args)
    variable: dict[str, Callable[[], tuple[int, int, list[str]]]] = {
        "route": lambda: (n + 1, n + 1, [""] * (n + 1)),  # one right inlet per address (Max 8)
        "sel": lambda: (n + 1, n + 1, ["bang"] * n + [""]),
        "t": lambda: (1, n, [{"b": "bang", "i": "int", "f": "float"}.get(a, "") for a in args]),
        "pack": lambda: (n, 1, [""]),
        "unpack": lambda: (1, n, [{"i": "int", "f": "float"}.get(a, "") for a in args]),
        "zl": lambda: (2, 2, ["", ""]),
        # one outlet per key and one more (Max 8.5+ saves "legacy": 0 for this layout)
        "dict.unpack": lambda: (1, n + 1, [""] * (n + 1)),
        "gate": lambda: (2, int(args[0]) if args else 1, [""] * (int(args[0]) if args else 1)),
    }
    if name in variable:
        return variable[name]()
    return _FIXED[name]


class Patcher:
    """Boxes and patchlines of one patcher, with ids in creation order."""

    def __init__(self) -> None:
        self.boxes: list[dict[str, Any]] = []
        self.lines: list[dict[str, Any]] = []

    def _add(self, maxclass: str, rect: Rect, io: tuple[int, int, list[str]], pres: Rect | None,
             attrs: dict[str, Any]) -> str:
        box_id = f"obj-{len(self.boxes) + 1}"
        box: dict[str, Any] = {"id": box_id, "maxclass": maxclass, "numinlets": io[0], "numoutlets": io[1]}
        if io[1]:
            box["outlettype"] = io[2]
        box["patching_rect"] = [float(v) for v in rect]
        if pres is not None:
            box["presentation"] = 1
            box["presentation_rect"] = [float(v) for v in pres]
        box.update(attrs)
        self.boxes.append({"box": box})
        return box_id

    def obj(self, text: str, x: float, y: float, pres: Rect | None = None, **attrs: Any) -> str:
        name, *args = text.split()
        width = max(40, 7 * len(text) + 12)
        return self._add("newobj", [x, y, width, 22], _io_counts(name, args), pres, {"text": text, **attrs})

    def msg(self, text: str, x: float, y: float, pres: Rect | None = None, width: float | None = None) -> str:
        w = width or max(40, 7 * len(text) + 12)
        return self._add("message", [x, y, w, 22], _FIXED["message"], pres, {"text": text})

    def comment(self, text: str, x: float, y: float, width: float = 200, lines: int = 1,
                pres: Rect | None = None) -> str:
        attrs: dict[str, Any] = {"text": text}
        if lines > 1:
            attrs["linecount"] = lines
        return self._add("comment", [x, y, width, 14 * lines + 6], _FIXED["comment"], pres, attrs)

    def ui(self, maxclass: str, rect: Rect, pres: Rect | None = None, **attrs: Any) -> str:
        return self._add(maxclass, rect, _FIXED[maxclass], pres, attrs)

    def connect(self, src: str, outlet: int, dst: str, inlet: int = 0) -> None:
        self.lines.append({"patchline": {"destination": [dst, inlet], "source": [src, outlet]}})

    def parameters(self) -> dict[str, Any]:
        """The patcher-level parameter list Max keeps for live.* boxes (longname, shortname, 0)."""
        params: dict[str, Any] = {}
        for entry in self.boxes:
            box = entry["box"]
            value = box.get("saved_attribute_attributes", {}).get("valueof")
            if box.get("parameter_enable") and value:
                params[box["id"]] = [value["parameter_longname"], value["parameter_shortname"], 0]
        params["inherited_shortname"] = 1
        return params


def live_param(maxclass: str, p: Patcher, rect: Rect, pres: Rect, longname: str, shortname: str,
               kind: int, low: float, high: float, initial: float, enum: tuple[str, ...] = (),
               hidden: bool = False, **attrs: Any) -> str:
    """A Live parameter (kind 0 float, 1 int, 2 enum, as Max saves parameter_type).

    ``hidden``: Live's visibility "Hidden" (``parameter_invisible`` 2, as in Max-saved devices): not
    stored with the set, not automatable and with no initial value, so loading a set never sends it;
    used for controls that switch something the session owns (the clock, the model) and for views."""
    value: dict[str, Any] = {"parameter_longname": longname, "parameter_shortname": shortname,
                             "parameter_type": kind, "parameter_mmin": low, "parameter_mmax": high}
    if hidden:
        value["parameter_invisible"] = 2
    else:
        value.update(parameter_initial_enable=1, parameter_initial=[initial])
    if enum:
        value["parameter_enum"] = list(enum)
    return p.ui(maxclass, rect, pres, parameter_enable=1, varname=longname,
                saved_attribute_attributes={"valueof": value}, **attrs)


def patcher_doc(p: Patcher, rect: Rect, extra: dict[str, Any]) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "fileversion": 1,
        "appversion": {"major": 8, "minor": 5, "revision": 5, "architecture": "x64", "modernui": 1},
        "classnamespace": "box", "rect": rect, "bglocked": 0, "openinpresentation": 1,
        "default_fontsize": 12.0, "default_fontface": 0, "default_fontname": "Arial",
        "gridonopen": 1, "gridsize": [15.0, 15.0], "gridsnaponopen": 1, "toolbarvisible": 1,
        "boxanimatetime": 200, "enablehscroll": 1, "enablevscroll": 1, "devicewidth": 0.0,
        "description": "", "digest": "", "tags": "", "style": "",
    }
    doc.update(extra)
    doc["boxes"] = p.boxes
    doc["lines"] = p.lines
    return {"patcher": doc}


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent="\t", ensure_ascii=True) + "\n"


def amxd(patcher_json: str, device_type: bytes = b"mmmm") -> bytes:
    """The .amxd container: chunks of (4-byte id, 4-byte little-endian size, data): ampf, meta, ptch."""
    def chunk(tag: bytes, data: bytes) -> bytes:
        return tag + struct.pack("<I", len(data)) + data

    payload = patcher_json.encode("utf-8") + b"\x00"  # the patcher JSON, NUL-terminated
    return chunk(b"ampf", device_type) + chunk(b"meta", struct.pack("<I", AMXD_META)) + chunk(b"ptch", payload)
