"""The Max control panel and the Max for Live device: valid patchers, generated, speaking the OSC table.

Max itself is not available here, so these tests check the files' structure against what real Max
files contain (inlet/outlet counts per class, parameter attributes, the .amxd chunk layout) and run
the device's transport path through a small model of Max's message order.
"""

from __future__ import annotations

import json
import struct
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import extract_max
from sidl.bridge.live.osc_table import BY_PATH, TABLE
from client_contract import NUMBER, STRING, ClientUse

ROOT = Path(__file__).resolve().parents[2]
PANEL = ROOT / "max_patches" / "sidl.maxpat"
DEVICE = ROOT / "max_patches" / "m4l" / "sidl-device.maxpat"
AMXD = ROOT / "max_patches" / "m4l" / "sidl.amxd"
FILES = [PANEL, DEVICE, AMXD]

Counts = Callable[[list[str]], tuple[int, int]]


def _fixed(inlets: int, outlets: int) -> Counts:
    return lambda args: (inlets, outlets)


# Inlets/outlets per class, as Max 8 saves them. Sources: boxes in public Max-saved .maxpat/.amxd
# patchers found with the code index (find_string on '"text" : "udpsend 127.0.0.1', '"maxclass" :
# "live.tab",' ...), and the Max reference (docs.cycling74.com) where noted.
KNOWN: dict[str, Counts] = {
    "udpsend": _fixed(1, 0),  # public patchers: udpsend 127.0.0.1 <port> → 1/0
    "udpreceive": _fixed(1, 1),  # public patchers: udpreceive 9001 → 1/1
    "prepend": _fixed(1, 1),  # Max 8 patchers: prepend /x → 1/1
    "route": lambda a: (len(a) + 1, len(a) + 1),  # Max 8 patchers: route with 5 addresses → 6/6, 1 → 2/2
    "sel": lambda a: (len(a) + 1, len(a) + 1),  # Max 8 patchers: sel 0 1 2 → 4/4
    "t": lambda a: (1, len(a)),  # public patchers: t b b b b i b → 1/6
    "pack": lambda a: (len(a), 1),  # public patchers: pak (3 args) → 3/1; Max reference: pack
    "unpack": lambda a: (1, len(a)),  # public patchers: unpack (3 args) → 1/3
    "zl": _fixed(2, 2),  # Max reference: zl (left: data, right: argument) → 2 outlets
    "gate": lambda a: (2, int(a[0]) if a else 1),  # public patchers: gate 3 → 2/3
    "i": _fixed(2, 1),  # Max reference: int stores from the right inlet
    "+": _fixed(2, 1),  # public patchers: + 1 → 2/1
    "*": _fixed(2, 1),  # Max reference: * (same shape as +)
    "/": _fixed(2, 1),  # Max reference: / (same shape as +)
    "tosymbol": _fixed(1, 1),  # public patchers: tosymbol → 1/1
    "print": _fixed(1, 0),  # Max reference: print
    "loadbang": _fixed(1, 1),  # public patchers: loadbang → 1/1 (bang)
    "metro": _fixed(2, 1),  # public patchers: metro 50 → 2/1
    "midiin": _fixed(1, 1),  # public patchers: midiin → 1/1 (int)
    "midiout": _fixed(1, 0),  # public patchers: midiout → 1/0
    "transport": _fixed(2, 9),  # Max 7+ patchers: transport → 2/9 (Max 5 had 8 outlets)
    "live.thisdevice": _fixed(1, 3),  # Max-saved devices: bang, int, int
    "live.path": _fixed(1, 3),  # Max-saved devices: live.path live_set → 1/3
    "live.observer": _fixed(2, 2),  # Max-saved devices (with _persistence): live.observer is_playing → 2/2
    "message": _fixed(2, 1),  # every public patcher
    "comment": _fixed(1, 0),
    "button": _fixed(1, 1),
    "toggle": _fixed(1, 1),
    "number": _fixed(1, 2),  # outlettype ["", "bang"]
    "flonum": _fixed(1, 2),
    "textedit": _fixed(1, 4),  # outlettype ["", "int", "", ""]
    "matrixctrl": _fixed(1, 2),  # outlettype ["list", "list"]
    "multislider": _fixed(1, 2),
    "live.dial": _fixed(1, 2),  # outlettype ["", "float"]
    "live.numbox": _fixed(1, 2),
    "live.tab": _fixed(1, 3),  # outlettype ["", "", "float"]
    "live.text": _fixed(1, 2),
    "live.toggle": _fixed(1, 1),  # outlettype [""]
}
NEEDS_TEXT = {"newobj", "message", "comment"}


def load(path: Path) -> dict[str, Any]:
    return extract_max.load(path)["patcher"]


def boxes(patcher: dict[str, Any]) -> list[dict[str, Any]]:
    return [entry["box"] for entry in patcher["boxes"]]


def class_of(box: dict[str, Any]) -> tuple[str, list[str]]:
    if box["maxclass"] == "newobj":
        name, *args = box["text"].split()
        return name, args
    return box["maxclass"], []


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_file_is_a_valid_patcher(path: Path) -> None:
    patcher = load(path)
    items, lines = boxes(patcher), [entry["patchline"] for entry in patcher["lines"]]
    assert items and lines
    ids = [box["id"] for box in items]
    assert len(ids) == len(set(ids)), "box ids must be unique"
    by_id = {box["id"]: box for box in items}
    for box in items:
        for key in ("id", "maxclass", "numinlets", "numoutlets", "patching_rect"):
            assert key in box, f"{box.get('id')} lacks {key}"
        assert len(box["patching_rect"]) == 4
        if box["maxclass"] in NEEDS_TEXT:
            assert isinstance(box.get("text"), str), f"{box['id']} lacks text"
        if box["numoutlets"]:
            assert len(box["outlettype"]) == box["numoutlets"], box["id"]
        name, args = class_of(box)
        assert name in KNOWN, f"{box['id']}: {name} has no researched inlet/outlet count"
        assert (box["numinlets"], box["numoutlets"]) == KNOWN[name](args), f"{box['id']} {name} {args}"
        if box.get("presentation"):
            assert len(box["presentation_rect"]) == 4
    assert patcher["openinpresentation"] == 1
    for line in lines:
        (src, outlet), (dst, inlet) = line["source"], line["destination"]
        assert src in by_id and dst in by_id, line
        assert 0 <= outlet < by_id[src]["numoutlets"], f"{src} has no outlet {outlet}"
        assert 0 <= inlet < by_id[dst]["numinlets"], f"{dst} has no inlet {inlet}"
    assert len({json.dumps(line, sort_keys=True) for line in lines}) == len(lines), "duplicate patchline"


@pytest.mark.parametrize("path", [DEVICE, AMXD], ids=lambda p: p.name)
def test_live_parameters_are_unique_and_in_range(path: Path) -> None:
    patcher = load(path)
    params = [box for box in boxes(patcher) if box.get("parameter_enable")]
    assert {box["maxclass"] for box in params} >= {"live.dial", "live.tab", "live.numbox", "live.text"}
    longnames = []
    for box in params:
        value = box["saved_attribute_attributes"]["valueof"]
        longnames.append(value["parameter_longname"])
        assert value["parameter_shortname"] and box["varname"] == value["parameter_longname"]
        kind, low, high = value["parameter_type"], value["parameter_mmin"], value["parameter_mmax"]
        assert kind in (0, 1, 2) and low < high, value
        assert low <= value["parameter_initial"][0] <= high, value
        if kind == 2:  # enum: one name per step
            assert len(value["parameter_enum"]) == high - low + 1, value
        assert patcher["parameters"][box["id"]][:2] == [value["parameter_longname"], value["parameter_shortname"]]
    assert len(longnames) == len(set(longnames)), "parameter longnames must be unique"
    assert set(patcher["parameters"]) - {"inherited_shortname"} == {box["id"] for box in params}
    by_name = {box["saved_attribute_attributes"]["valueof"]["parameter_longname"]:
               box["saved_attribute_attributes"]["valueof"] for box in params}
    assert by_name["Mode"]["parameter_enum"] == ["loop", "filter", "generate"]
    assert {f"Clock {c}" for c in ("internal", "midi", "link", "host")} | {"Model drums", "Model piano"} <= set(by_name)
    assert (by_name["Tempo"]["parameter_mmin"], by_name["Tempo"]["parameter_mmax"]) == (20.0, 400.0)
    assert (by_name["Scene slot"]["parameter_mmin"], by_name["Scene slot"]["parameter_mmax"]) == (0, 15)


def _overlaps(rects: list[tuple[str, list[float]]]) -> list[tuple[str, str]]:
    return [(a, b) for i, (a, r) in enumerate(rects) for b, q in rects[i + 1:]
            if r[0] < q[0] + q[2] and q[0] < r[0] + r[2] and r[1] < q[1] + q[3] and q[1] < r[1] + r[3]]


@pytest.mark.parametrize("path", [PANEL, DEVICE], ids=lambda p: p.name)
def test_layout_is_readable(path: Path) -> None:
    items = boxes(load(path))
    assert not _overlaps([(b["id"], b["patching_rect"]) for b in items]), "boxes overlap in the patching view"
    shown = [(b["id"], b["presentation_rect"]) for b in items if b.get("presentation")]
    assert not _overlaps(shown), "controls overlap in the presentation view"
    controls = {b["maxclass"] for b in items if b.get("presentation")}
    assert {"matrixctrl", "multislider", "textedit"} <= controls
    if path == DEVICE:  # a device is 169 px high and as wide as it says
        width = load(path)["devicewidth"]
        assert all(r[1] + r[3] <= 169 and r[0] + r[2] <= width for _, r in shown)


def test_panel_is_plain_max() -> None:
    assert not [box["id"] for box in boxes(load(PANEL)) if box.get("parameter_enable")]


def _generator() -> Any:
    sys.path.insert(0, str(ROOT / "max_patches" / "max"))
    try:
        import make_sidl_max
    finally:
        sys.path.pop(0)
    return make_sidl_max


def test_files_are_what_the_generator_writes() -> None:
    written = _generator().outputs()
    assert set(written) == set(FILES)
    for path, data in written.items():
        assert path.read_bytes() == data, f"{path.name} is stale: python max_patches/max/make_sidl_max.py"
    assert _generator().outputs() == written, "the generator is not deterministic"


def test_amxd_is_a_midi_effect_container_around_the_device_patcher() -> None:
    data = AMXD.read_bytes()
    chunks, offset = [], 0
    while offset < len(data):
        tag, size = data[offset:offset + 4], struct.unpack_from("<I", data, offset + 4)[0]
        chunks.append((tag, data[offset + 8:offset + 8 + size]))
        offset += 8 + size
    assert offset == len(data), "chunk sizes must add up to the file size"
    assert [tag for tag, _ in chunks] == [b"ampf", b"meta", b"ptch"]
    assert chunks[0][1] == b"mmmm" and len(chunks[1][1]) == 4
    assert data[:12] == b"ampf" + struct.pack("<I", 4) + b"mmmm"
    ptch = chunks[2][1]
    assert ptch.endswith(b"\x00") and ptch[:-1] == DEVICE.read_bytes()
    assert json.loads(ptch[:-1])["patcher"]["project"]["amxdtype"] == int.from_bytes(b"mmmm", "big")


def _kinds(address: str) -> tuple[str, ...]:
    return tuple(STRING if arg.kind == "str" else NUMBER for arg in BY_PATH[address].args)


def _check_against_table(use: ClientUse) -> None:
    entry = BY_PATH.get(use.address)
    assert entry is not None, f"{use.where}: {use.address} is not in the OSC table"
    assert entry.direction == ("in" if use.direction == "send" else "out"), use
    expected = _kinds(use.address)
    if use.direction == "expect" and not use.types:
        return
    if entry.variadic:
        assert len(use.types) >= len(expected) and set(use.types) == set(expected), use
    else:
        assert use.types == expected, f"{use.where}: {use.types} != {expected}"
    if use.direction == "send":
        assert len(use.literals) == len(use.types), use
    for arg, literal in zip(entry.args, use.literals):
        if isinstance(literal, str):
            assert not arg.choices or literal in arg.choices, use
        elif literal is not None:
            assert arg.low is not None and arg.high is not None and arg.low <= literal <= arg.high, use


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_client_speaks_the_osc_table(path: Path) -> None:
    found = extract_max.uses(path)
    for use in found:
        _check_against_table(use)
    sent = {u.address for u in found if u.direction == "send"}
    performer = {a.path for a in TABLE if a.performer}
    assert performer <= sent, f"performer controls missing: {sorted(performer - sent)}"
    assert {"/sidl/register", "/sidl/query"} <= sent
    expected = {u.address for u in found if u.direction == "expect"}
    assert expected == {a.path for a in TABLE if a.direction == "out"}
    assert extract_max.target_ports(path) == [9000]
    receive = [b for b in boxes(load(path)) if class_of(b)[0] == "udpreceive"]
    register = [b["text"] for b in boxes(load(path)) if b.get("text", "").startswith("/sidl/register ")]
    assert len(receive) == 1 and register == ["/sidl/register " + receive[0]["text"].split()[1]]


def test_only_the_device_forwards_the_host_transport() -> None:
    assert "/sidl/host/transport" not in {u.address for u in extract_max.uses(PANEL)}
    transport = [u for u in extract_max.uses(DEVICE) if u.address == "/sidl/host/transport"]
    assert [u.types for u in transport] == [(NUMBER, NUMBER, NUMBER)]


# ---- a small model of Max's message passing, for the device's transport path

class MaxModel:
    """Runs the objects on the transport path: right-to-left triggers, hot left inlets, cold others."""

    def __init__(self, patcher: dict[str, Any], ticks: Callable[[], float]) -> None:
        self.boxes = {box["id"]: box for box in boxes(patcher)}
        self.wires: dict[tuple[str, int], list[tuple[str, int]]] = {}
        for entry in patcher["lines"]:
            (src, outlet), (dst, inlet) = entry["patchline"]["source"], entry["patchline"]["destination"]
            self.wires.setdefault((src, outlet), []).append((dst, inlet))
        self.state: dict[str, Any] = {}
        self.sent: list[list[Any]] = []
        self.metro_on = False
        self.ticks = ticks

    def find(self, text: str) -> str:
        (found,) = [i for i, b in self.boxes.items() if b.get("text") == text and b["maxclass"] == "newobj"]
        return found

    def out(self, box_id: str, outlet: int, value: Any) -> None:
        # fan-out goes right to left by destination position, as in Max
        for dst, inlet in sorted(self.wires.get((box_id, outlet), []),
                                 key=lambda d: -self.boxes[d[0]]["patching_rect"][0]):
            self.inlet(dst, inlet, value)

    def inlet(self, box_id: str, inlet: int, value: Any) -> None:
        box = self.boxes[box_id]
        name, args = class_of(box)
        if name == "t":
            for k in reversed(range(len(args))):
                self.out(box_id, k, "bang" if args[k] == "b" else (int if args[k] == "i" else float)(value))
        elif name == "i":
            if inlet == 1 or value != "bang":
                self.state[box_id] = int(value)
            if inlet == 0:
                self.out(box_id, 0, self.state.get(box_id, 0))
        elif name == "pack":
            held = self.state.setdefault(box_id, [float(a) if "." in a else int(a) for a in args])
            if value != "bang":
                held[inlet] = type(held[inlet])(value)
            if inlet == 0:
                self.out(box_id, 0, list(held))
        elif name == "/":
            self.out(box_id, 0, float(value) / float(args[0]))
        elif name == "metro":
            self.metro_on = bool(value)
        elif name == "transport":
            self.out(box_id, 7, self.ticks())  # only the ticks outlet is wired
        elif name == "gate":  # left inlet: which outlet is open (0 closed); right: what passes
            if inlet == 0:
                self.state[box_id] = int(value)
            elif self.state.get(box_id, int(args[1]) if len(args) > 1 else 0):
                self.out(box_id, self.state.get(box_id, int(args[1])) - 1, value)
        elif name == "prepend":
            self.out(box_id, 0, args + (value if isinstance(value, list) else [value]))
        elif name == "udpsend":
            self.sent.append(value)
        elif name not in ("live.observer", "live.path"):
            raise AssertionError(f"the transport path reaches {name}, which this model does not run")


def test_device_sends_live_transport_on_change_and_while_playing() -> None:
    position = {"ticks": 0.0}
    max_ = MaxModel(load(DEVICE), lambda: position["ticks"])
    playing, tempo = max_.find("live.observer is_playing"), max_.find("live.observer tempo")
    max_.out(playing, 0, 1)  # Live starts
    assert max_.metro_on and max_.sent[-1] == ["/sidl/host/transport", 1, 120.0, 0.0]
    max_.out(tempo, 0, 128.0)  # a tempo change is sent at once
    assert max_.sent[-1] == ["/sidl/host/transport", 1, 128.0, 0.0]
    position["ticks"] = 1440.0  # three beats later the metro polls the position
    max_.out(max_.find("metro 50"), 0, "bang")
    assert max_.sent[-1] == ["/sidl/host/transport", 1, 128.0, 3.0]
    max_.out(playing, 0, 0)  # Live stops: playing 0 goes out and the poll stops
    assert not max_.metro_on and max_.sent[-1] == ["/sidl/host/transport", 0, 128.0, 3.0]
    assert all(len(m) == 4 and all(isinstance(v, (int, float)) for v in m[1:]) for m in max_.sent)
    sync = [i for i, b in max_.boxes.items() if b.get("varname") == "Host sync"][0]
    max_.out(sync, 0, 0)  # "Host sync" off: a session on another clock gets no transport at all
    count = len(max_.sent)
    max_.out(playing, 0, 1)
    assert len(max_.sent) == count


def test_device_passes_midi_through() -> None:
    patcher = load(DEVICE)
    by_text = {box.get("text"): box["id"] for box in boxes(patcher)}
    wires = {(e["patchline"]["source"][0], e["patchline"]["destination"][0]) for e in patcher["lines"]}
    assert (by_text["midiin"], by_text["midiout"]) in wires
    assert patcher["project"]["amxdtype"] == int.from_bytes(b"mmmm", "big")


# ---- the extractor refuses what it cannot type

def _tiny_patch(tmp_path: Path, feeder: dict[str, Any] | None, message: str = "/sidl/denoise $1",
                to_udpsend: bool = True) -> Path:
    items = [{"box": {"id": "obj-1", "maxclass": "message", "numinlets": 2, "numoutlets": 1, "text": message,
                      "patching_rect": [0, 40, 100, 22]}},
             {"box": {"id": "obj-2", "maxclass": "newobj", "numinlets": 1, "numoutlets": 0,
                      "text": "udpsend 127.0.0.1 9000", "patching_rect": [0, 80, 150, 22]}}]
    lines = [{"patchline": {"source": ["obj-1", 0], "destination": ["obj-2", 0]}}] if to_udpsend else []
    if feeder is not None:
        items.append({"box": {"id": "obj-3", "patching_rect": [0, 0, 80, 22], **feeder}})
        lines.append({"patchline": {"source": ["obj-3", 0], "destination": ["obj-1", 0]}})
    path = tmp_path / "bad.maxpat"
    path.write_text(json.dumps({"patcher": {"boxes": items, "lines": lines}}))
    return path


def test_extractor_raises_on_a_dollar_fed_by_an_unknown_object(tmp_path: Path) -> None:
    random = {"maxclass": "newobj", "numinlets": 2, "numoutlets": 1, "text": "random 10"}
    with pytest.raises(ValueError, match="not known"):
        extract_max.uses(_tiny_patch(tmp_path, random))


def test_extractor_raises_on_unfed_or_unsent_messages(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no typed feeder"):
        extract_max.uses(_tiny_patch(tmp_path, None))
    flonum = {"maxclass": "flonum", "numinlets": 1, "numoutlets": 2}
    with pytest.raises(ValueError, match="not connected"):
        extract_max.uses(_tiny_patch(tmp_path, flonum, to_udpsend=False))
    ok = extract_max.uses(_tiny_patch(tmp_path, flonum))
    assert ok == [ClientUse("/sidl/denoise", "send", (NUMBER,), "obj-1 [/sidl/denoise $1]", (None,))]
    fixed = extract_max.uses(_tiny_patch(tmp_path, flonum, "/sidl/atom/mute 7 $1"))
    assert [(u.types, u.literals) for u in fixed] == [((NUMBER, NUMBER), (7.0, None))]
    with pytest.raises(ValueError, match="2 value"):
        extract_max.uses(_tiny_patch(tmp_path, {"maxclass": "newobj", "numinlets": 2, "numoutlets": 1,
                                                "text": "pack i s"}, "/sidl/mode $3"))
