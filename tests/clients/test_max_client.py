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
    "-": _fixed(2, 1),  # Max reference: - (same shape as +)
    "%": _fixed(2, 1),  # Max reference: % (same shape as +)
    "split": _fixed(3, 2),  # public patchers: split 0 64 → 3/2 (int, int)
    "umenu": _fixed(1, 3),  # public patchers: umenu with items → 1/3 (int, "", "")
    "panel": _fixed(1, 0),  # Max-saved devices (Ableton/maxdevtools CPU Reporter): panel → 1/0
    "tosymbol": _fixed(1, 1),  # public patchers: tosymbol → 1/1
    "dict.deserialize": _fixed(1, 1),  # public patchers: dict.deserialize → 1/1 (dictionary)
    # public patchers saved by Max 8.5+ ("legacy": 0): dict.unpack with n keys → 1/(n+1), e.g. 4 keys → 1/5
    "dict.unpack": lambda a: (1, len(a) + 1),
    "gate": lambda a: (2, int(a[0]) if a else 1),  # public patchers: gate 3 → 2/3
    "i": _fixed(2, 1),  # Max reference: int stores from the right inlet
    "+": _fixed(2, 1),  # public patchers: + 1 → 2/1
    "*": _fixed(2, 1),  # Max reference: * (same shape as +)
    "/": _fixed(2, 1),  # Max reference: / (same shape as +)
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
        if value.get("parameter_invisible") == 2:  # hidden: not stored, no initial value sent at load
            assert "parameter_initial" not in value and "parameter_initial_enable" not in value, value
        else:
            assert low <= value["parameter_initial"][0] <= high, value
        if kind == 2:  # enum: one name per step
            assert len(value["parameter_enum"]) == high - low + 1, value
        assert patcher["parameters"][box["id"]][:2] == [value["parameter_longname"], value["parameter_shortname"]]
    assert len(longnames) == len(set(longnames)), "parameter longnames must be unique"
    assert set(patcher["parameters"]) - {"inherited_shortname"} == {box["id"] for box in params}
    by_name = {box["saved_attribute_attributes"]["valueof"]["parameter_longname"]:
               box["saved_attribute_attributes"]["valueof"] for box in params}
    assert by_name["Mode"]["parameter_enum"] == ["loop", "filter", "generate"]
    # the clock and the model show the bridge's and switch it, but are not stored: loading a set must
    # not switch them (Live's "Hidden" visibility, parameter_invisible 2, as Max saves it)
    assert by_name["Clock"]["parameter_enum"] == ["internal", "midi", "link", "host"]
    assert by_name["Model"]["parameter_enum"] == ["drums", "piano"]
    assert by_name["Clock"]["parameter_invisible"] == by_name["Model"]["parameter_invisible"] == 2
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


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    chunks, offset = [], 0
    while offset < len(data):
        tag, size = data[offset:offset + 4], struct.unpack_from("<I", data, offset + 4)[0]
        chunks.append((tag, data[offset + 8:offset + 8 + size]))
        offset += 8 + size
    assert offset == len(data), "chunk sizes must add up to the file size"
    return chunks


def test_amxd_is_a_midi_effect_container_around_the_device_patcher() -> None:
    data = AMXD.read_bytes()
    chunks = _chunks(data)
    assert [tag for tag, _ in chunks] == [b"ampf", b"meta", b"ptch"]
    assert chunks[0][1] == b"mmmm" and len(chunks[1][1]) == 4
    assert data[:24] == b"ampf" + struct.pack("<I", 4) + b"mmmm" + b"meta" + struct.pack("<I", 4) + struct.pack("<I", 0)
    assert data[24:32] == b"ptch" + struct.pack("<I", len(data) - 32)
    ptch = chunks[2][1]
    assert ptch.endswith(b"\n\x00") and ptch[:-1] == DEVICE.read_bytes()  # JSON, newline, NUL: as Max saves
    patcher = json.loads(ptch[:-1])["patcher"]
    assert patcher["project"]["amxdtype"] == int.from_bytes(b"mmmm", "big")
    # meta is 0 for a device without dependencies: every Max-saved .amxd in Ableton/maxdevtools (44 saves,
    # Max 8.5.5 to 9.0.10) has meta 0 exactly when its "dependency_cache" is empty, 1 when it lists
    # abstractions or files, 7 when frozen
    assert struct.unpack("<I", chunks[1][1])[0] == 0 and patcher["dependency_cache"] == []
    assert patcher["openrect"][3] == 169.0 and patcher["openinpresentation"] == 1


@pytest.mark.parametrize(("path", "smallest", "atoms"), [(PANEL, 12, 256), (DEVICE, 12, 64), (AMXD, 12, 64)],
                         ids=lambda v: getattr(v, "name", str(v)))
def test_atom_grid_cells_are_big_enough_to_click_and_paged(path: Path, smallest: int, atoms: int) -> None:
    patcher = load(path)
    grids = [box for box in boxes(patcher) if box["maxclass"] == "matrixctrl"]
    assert len(grids) == 2
    for grid in grids:
        width, height = grid["presentation_rect"][2:]
        assert width / grid["columns"] >= smallest and height / grid["rows"] >= smallest, grid["presentation_rect"]
        assert grid["columns"] * grid["rows"] == atoms
    # a page selector covers every atom number of the table (0..4095) in pages of the grid's size
    patch = extract_max.Patch(extract_max.load(path))
    pagers = [box for box in patch.boxes.values() if box.maxclass in ("number", "live.numbox")
              and any(f"* {atoms}" in {b.text for b in patch.targets(t.id)} for t in patch.targets(box.id))]
    assert len(pagers) == 1
    assert patch.raw[pagers[0].id].get("maximum", patch.raw[pagers[0].id].get("saved_attribute_attributes", {})
                                      .get("valueof", {}).get("parameter_mmax")) == 4096 // atoms - 1


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
    # what the panel and the device show (each checked against the table above); newer feedback
    # (pages of atom edits, activity beyond 1,024 atoms) is left to clients that need it
    assert expected >= {"/sidl/bar", "/sidl/activity", "/sidl/stats", "/sidl/tempo/now", "/sidl/error", "/sidl/state"}
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


# ---- following the bridge: the feedback path run through a model of Max's message passing

Message = list[Any]  # selector first: ["set", 2], ["symbol", "x"], ["list", 1, 2], ["float", 0.5], ["bang"]
UI = {"umenu", "flonum", "number", "textedit", "live.dial", "live.numbox", "live.tab", "live.text", "matrixctrl",
      "multislider", "comment", "panel", "message", "toggle", "button", "live.toggle"}


def _atoms(message: Message) -> list[Any]:
    """The values of a message (a symbol's word, a list's items); a bang has none."""
    head, *rest = message
    if head in ("list", "float", "int", "symbol"):
        return rest
    return [] if head == "bang" else [head, *rest]


def _message(values: list[Any]) -> Message:
    if not values:
        return ["bang"]
    if isinstance(values[0], str):
        return ["symbol", values[0]] if len(values) == 1 else list(values)
    return ["float" if isinstance(values[0], float) else "int", values[0]] if len(values) == 1 else ["list", *values]


class MaxRun:
    """Runs a patcher's boxes on a message, in Max's order (right-to-left outlets, hot left inlets).

    Only what the feedback and grid paths use is modelled; the semantics are those of the Max
    reference (``set`` changes a UI object without output, a matrixctrl puts out the cells it is
    given, a gate passes its right inlet when open). Dictionaries are Python dicts (dict.deserialize
    reads the JSON symbol). What reaches udpsend is in ``sent``; what each UI box shows, in ``shown``."""

    def __init__(self, patcher: dict[str, Any]) -> None:
        self.boxes = {box["id"]: box for box in boxes(patcher)}
        self.wires: dict[tuple[str, int], list[tuple[str, int]]] = {}
        for entry in patcher["lines"]:
            (src, outlet), (dst, inlet) = entry["patchline"]["source"], entry["patchline"]["destination"]
            self.wires.setdefault((src, outlet), []).append((dst, inlet))
        self.state: dict[str, Any] = {}
        self.shown: dict[str, Any] = {}
        self.sent: list[list[Any]] = []
        self.dicts: dict[str, Any] = {}

    def out(self, box_id: str, outlet: int, message: Message) -> None:
        for dst, inlet in sorted(self.wires.get((box_id, outlet), []),
                                 key=lambda d: -self.boxes[d[0]]["patching_rect"][0]):
            self.inlet(dst, inlet, message)

    def inlet(self, box_id: str, inlet: int, message: Message) -> None:  # noqa: C901 - one branch per class
        box = self.boxes[box_id]
        name, args = class_of(box)
        values = _atoms(message)
        if box["maxclass"] in UI:
            if message[0] == "set":
                self.shown[box_id] = message[1:]
            elif box["maxclass"] == "message":
                words = [values[int(w[1:]) - 1] if w.startswith("$") else
                         (float(w) if "." in w else int(w)) if w.lstrip("-").replace(".", "").isdigit() else w
                         for w in box["text"].split()]
                # a message box starting with a word puts out that message ("clear", "set 2"); else a number or list
                self.out(box_id, 0, list(words) if words and isinstance(words[0], str) and not
                         box["text"].startswith("$") else _message(words))
            elif box["maxclass"] in ("panel",):
                self.shown[box_id] = message
            elif box["maxclass"] == "matrixctrl":
                if message[0] == "clear":
                    self.shown[box_id] = set()
                else:
                    cells = self.shown.setdefault(box_id, set())
                    (cells.add if values[2] else cells.discard)((values[0], values[1]))
                    self.out(box_id, 0, ["list", *values])
            else:
                self.shown[box_id] = values
                self.out(box_id, 0, message)
        elif name == "udpsend":
            self.sent.append(values)
        elif name == "t":
            for k in reversed(range(len(args))):
                kind = args[k]
                self.out(box_id, k, ["bang"] if kind == "b" else message if kind in ("a", "l") else
                         [{"i": "int", "f": "float", "s": "symbol"}[kind], values[0]])
        elif name == "tosymbol":
            self.out(box_id, 0, ["symbol", " ".join(str(v) for v in values)])
        elif name == "dict.deserialize":
            handle = f"dict{len(self.dicts)}"
            self.dicts[handle] = json.loads(values[0])
            self.out(box_id, 0, ["dictionary", handle])
        elif name == "dict.unpack":
            found = self.dicts[values[1]]
            for k in reversed(range(len(args))):
                value = found.get(args[k].rstrip(":"))
                if isinstance(value, dict):
                    handle = f"dict{len(self.dicts)}"
                    self.dicts[handle] = value
                    self.out(box_id, k, ["dictionary", handle])
                elif value is not None:
                    self.out(box_id, k, _message(value if isinstance(value, list) else [value]))
        elif name in ("sel", "select"):
            matches = [i for i, a in enumerate(args) if values and str(values[0]) == a]
            if matches:
                self.out(box_id, matches[0], ["bang"])
            else:
                self.out(box_id, len(args), message)
        elif name == "prepend":
            self.out(box_id, 0, [*args, *values] if args[0] == "set" else _message([*args, *values]))
        elif name == "route":
            if values and values[0] in args:
                self.out(box_id, args.index(values[0]), _message(values[1:]))
        elif name == "unpack":
            for k in reversed(range(len(args))):
                self.out(box_id, k, _message([values[k]]))
        elif name == "zl":
            self._zl(box_id, args, inlet, message, values)
        elif name in ("-", "+", "*", "%", "/"):
            held = self.state.setdefault(box_id, int(args[0]) if args else 0)
            if inlet == 1:
                self.state[box_id] = values[0]
                return
            a, b = values[0] if values else 0, held
            operations: dict[str, Callable[[Any, Any], Any]] = {
                "-": lambda a, b: a - b, "+": lambda a, b: a + b, "*": lambda a, b: a * b,
                "%": lambda a, b: a % b, "/": lambda a, b: a // b}
            self.out(box_id, 0, _message([operations[name](a, b)]))
        elif name == "split":
            low, high = int(args[0]), int(args[1])
            self.out(box_id, 0 if low <= values[0] <= high else 1, message)
        elif name == "pack":
            held = self.state.setdefault(box_id, [float(a) if "." in a else 0 if a in ("i", "f") else int(a) for a in args])
            if values:
                held[inlet] = values[0]
            if inlet == 0:
                self.out(box_id, 0, ["list", *held])
        elif name == "gate":
            if inlet == 0:
                self.state[box_id] = values[0]
            elif self.state.get(box_id, int(args[1]) if len(args) > 1 else 0):
                self.out(box_id, 0, message)
        elif name == "i":
            if inlet == 1:
                self.state[box_id] = values[0]
            else:
                self.state[box_id] = values[0] if values else self.state.get(box_id, 0)
                self.out(box_id, 0, ["int", self.state[box_id]])
        else:
            raise AssertionError(f"the feedback path reaches {name}, which this model does not run")

    def _zl(self, box_id: str, args: list[str], inlet: int, message: Message, values: list[Any]) -> None:
        mode = args[0]
        if message[0] == "zlclear":
            self.state[box_id] = []
        elif mode == "reg":
            if inlet == 1:
                self.state[box_id] = values
            else:
                self.out(box_id, 0, _message(self.state.get(box_id, [])))
        elif mode == "iter":
            for value in values:
                self.out(box_id, 0, _message([value]))
        elif mode == "sort":
            order = sorted(range(len(values)), key=lambda i: -values[i] if args[1] == "-1" else values[i])
            self.out(box_id, 1, ["list", *order])
            self.out(box_id, 0, ["list", *(values[i] for i in order)])
        elif mode == "slice":
            count = int(args[1])
            self.out(box_id, 1, _message(values[count:]))
            self.out(box_id, 0, _message(values[:count]))
        else:
            raise AssertionError(f"zl {mode} is not modelled")

    def feedback(self, address: str, *values: Any) -> None:
        """A message from the bridge, into the route after udpreceive."""
        (route,) = [i for i, b in self.boxes.items() if b.get("text", "").startswith("route /sidl/")]
        addresses = class_of(self.boxes[route])[1]
        self.out(route, addresses.index(address), _message(list(values)))

    def by(self, **attrs: Any) -> str:
        (found,) = [i for i, b in self.boxes.items() if all(b.get(k) == v for k, v in attrs.items())]
        return found


STATE = {"atom_edits": {"complete": True, "gain": 1, "listed": 64, "mute": 2, "page_atoms": 256, "pages": 4, "solo": 1},
         "bpm": 100.0, "clock": "link", "denoise": 0.4, "feel": 0.8, "gain": {"3": 2.0}, "late_events": 0,
         "mode": "loop", "model": {"atoms": 1024, "model": "piano", "version": "0.1"}, "morph": 0.25,
         "mute": [3, 700], "requested_mode": "generate", "scene": 0, "scenes": [], "seed": 7, "solo": [5],
         "temperature": 1.5}


def _controls(path: Path) -> dict[str, str]:
    """Control box id by the address it sends (the first control found for each)."""
    patch = extract_max.Patch(extract_max.load(path))
    out: dict[str, str] = {}
    for box in patch.boxes.values():
        if box.name in extract_max.CONTROLS and box.maxclass != "matrixctrl":
            for address in extract_max._addresses_of(patch, box):
                out.setdefault(address, box.id)
    return out


def _grids(path: Path) -> list[str]:
    """The mute grid's and the solo grid's box ids."""
    return [box["id"] for box in boxes(load(path)) if box["maxclass"] == "matrixctrl"]


@pytest.mark.parametrize("path", [PANEL, DEVICE], ids=lambda p: p.name)
def test_the_state_reply_moves_every_control_and_sends_nothing(path: Path) -> None:
    run = MaxRun(load(path))
    controls = _controls(path)
    run.feedback("/sidl/state", json.dumps(STATE, sort_keys=True))
    assert run.sent == [], "following the state must not send anything to the bridge"
    shown = {address: run.shown.get(box) for address, box in controls.items()}
    assert shown["/sidl/mode"] == [2] and shown["/sidl/clock"] == [2] and shown["/sidl/tempo"] == [100.0]
    assert shown["/sidl/denoise"] == [0.4] and shown["/sidl/morph"] == [0.25] and shown["/sidl/feel"] == [0.8]
    assert shown["/sidl/temperature"] == [1.5] and shown["/sidl/seed"] == [7]
    model_shown = [run.shown.get(box) for box in run.boxes if run.boxes[box]["maxclass"] in ("umenu", "live.tab",
                                                                                               "textedit")]
    assert ["piano"] in model_shown and [1] in model_shown
    mute, solo = _grids(path)
    assert run.shown[mute] == {(3, 0)} and run.shown[solo] == {(5, 0)}  # atom 700 is on another page
    # a new state clears what the last one drew
    run.feedback("/sidl/state", json.dumps({**STATE, "mute": [], "solo": [1]}))
    assert run.shown[mute] == set() and run.shown[solo] == {(1, 0)} and run.sent == []


@pytest.mark.parametrize(("path", "columns", "page", "cell"), [(PANEL, 16, 2, (12, 11)), (DEVICE, 8, 10, (4, 7))],
                         ids=lambda v: getattr(v, "name", str(v)))
def test_a_grid_page_asks_for_the_state_and_shows_that_page(path: Path, columns: int, page: int,
                                                            cell: tuple[int, int]) -> None:
    run = MaxRun(load(path))
    patch = extract_max.Patch(extract_max.load(path))
    (pager,) = [b.id for b in patch.boxes.values() if b.maxclass in ("number", "live.numbox")
                and any(t.text == "t b i" for t in patch.targets(b.id))]
    mute = _grids(path)[0]
    run.inlet(pager, 0, ["int", page])
    assert run.sent == [["/sidl/query"]]
    run.feedback("/sidl/state", json.dumps(STATE))
    assert run.shown[mute] == {cell}  # atom 700 on this page; atom 3 is not
    run.sent.clear()
    run.inlet(mute, 0, ["list", 1, 1, 1])  # a click: the grid's own output passes the open gate
    cells = columns * columns
    assert run.sent == [["/sidl/atom/mute", page * cells + columns + 1, 1]]


@pytest.mark.parametrize("path", [PANEL, DEVICE], ids=lambda p: p.name)
def test_per_bar_feedback_moves_tempo_and_clock_and_shows_the_busiest_atoms(path: Path) -> None:
    run = MaxRun(load(path))
    controls = _controls(path)
    run.feedback("/sidl/tempo/now", 133.5, "host")
    assert run.shown[controls["/sidl/tempo"]] == [133.5] and run.shown[controls["/sidl/clock"]] == [3]
    activity = [0.0] * 1024
    activity[40], activity[12], activity[513] = 0.5, 1.0, 0.75
    run.feedback("/sidl/activity", *activity)
    (numbers,) = [b for b in run.boxes if run.boxes[b]["maxclass"] == "message" and len(run.shown.get(b, [])) > 2]
    assert run.shown[numbers][:3] == [12, 513, 40]
    (bars,) = [b for b in run.boxes if run.boxes[b]["maxclass"] == "multislider"]
    assert run.shown[bars][:3] == [1.0, 0.75, 0.5] and len(run.shown[bars]) == (16 if path == PANEL else 8)
    assert run.sent == []


@pytest.mark.parametrize("path", [PANEL, DEVICE], ids=lambda p: p.name)
def test_the_error_lamp_is_dark_until_an_error_and_shows_its_text(path: Path) -> None:
    (lamp,) = extract_max.error_lamps(path)
    assert max(lamp["bgfillcolor"][:3]) < 0.3, "the lamp starts dark"
    run = MaxRun(load(path))
    run.feedback("/sidl/error", "scene 3 is empty; stored scenes: none")
    assert run.shown[lamp["id"]][0] == "bgfillcolor" and run.shown[lamp["id"]][1] > 0.9  # lit red
    (text,) = [b for b, v in run.shown.items() if run.boxes[b]["maxclass"] == "comment"]
    assert run.shown[text] == ["scene 3 is empty; stored scenes: none"]
    assert run.sent == []


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
