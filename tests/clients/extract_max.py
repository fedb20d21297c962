"""What a Max patcher (.maxpat) or Max for Live device (.amxd) says on the wire, read from the file itself.

Sends: a message box whose text starts with ``/sidl/`` or a ``prepend /sidl/...`` object, either of
which must reach a ``udpsend`` through patchlines. Argument kinds:

- literal words in the message box: a number is NUMBER, anything else STRING (and both are reported
  as ``literals``; values that vary are None there);
- ``$N`` in a message box, and what enters a ``prepend``: the N-th value put out by the box that feeds
  inlet 0 directly, by its class (FEEDER_KINDS below, plus ``t``/``trigger``, ``pack``/``pak`` and
  ``unpack`` by their type arguments: ``i``/``f``/numbers are NUMBER, ``s``/other words STRING,
  ``b`` is a bang). Bangs carry no type; a box fed only by bangs, by an unknown class, by feeders that
  disagree, or by nothing raises ``ValueError``: the extractor never guesses.

Expects: each ``/sidl/...`` argument of a ``route`` reached from a ``udpreceive``; its types are the
``unpack`` arguments on that route outlet, if an ``unpack`` is attached, else ().
"""

from __future__ import annotations

import json
import re
import struct
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from client_contract import NUMBER, STRING, ClientUse, Follower

PREFIX = "/sidl/"
BANG = "bang"
# widget (maxclass) or object (first word of a newobj's text) → what each outlet puts out
FEEDER_KINDS: dict[str, dict[int, tuple[str, ...]]] = {
    **{name: {0: (NUMBER,)} for name in (
        "number", "flonum", "live.dial", "live.slider", "live.numbox", "toggle", "live.toggle",
        "live.tab", "live.menu", "slider", "dial", "i", "int", "f", "float", "+", "-", "*", "/",
        "!-", "!/", "%", "abs", "round")},
    "tosymbol": {0: (STRING,)},
    **{name: {0: (BANG,)} for name in ("button", "loadbang", "bang", "metro", "live.thisdevice")},
}
_NUMBER_WORD = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE]-?\d+)?$")


@dataclass(frozen=True)
class Box:
    id: str
    maxclass: str
    text: str
    numinlets: int
    numoutlets: int

    @property
    def name(self) -> str:
        """The object class: the first word of a newobj, else the maxclass."""
        return (self.text.split() or [""])[0] if self.maxclass == "newobj" else self.maxclass

    @property
    def args(self) -> list[str]:
        return self.text.split()[1:] if self.maxclass == "newobj" else self.text.split()


class Patch:
    def __init__(self, doc: dict[str, Any]) -> None:
        patcher = doc["patcher"]
        self.boxes: dict[str, Box] = {}
        self.raw: dict[str, dict[str, Any]] = {}  # every box's saved attributes
        for entry in patcher["boxes"]:
            raw = entry["box"]
            self.raw[raw["id"]] = raw
            if "patcher" in raw:
                raise ValueError(f"{raw['id']}: subpatchers are not read by this extractor")
            self.boxes[raw["id"]] = Box(raw["id"], raw["maxclass"], str(raw.get("text", "")),
                                        int(raw["numinlets"]), int(raw["numoutlets"]))
        self.lines: list[tuple[str, int, str, int]] = []
        for entry in patcher["lines"]:
            line = entry["patchline"]
            (src, outlet), (dst, inlet) = line["source"], line["destination"]
            self.lines.append((src, int(outlet), dst, int(inlet)))

    def feeders(self, box_id: str, inlet: int = 0) -> list[tuple[Box, int]]:
        return [(self.boxes[s], o) for s, o, d, i in self.lines if d == box_id and i == inlet]

    def targets(self, box_id: str, outlet: int | None = None) -> list[Box]:
        return [self.boxes[d] for s, o, d, _ in self.lines if s == box_id and (outlet is None or o == outlet)]

    def reaches(self, start: str, name: str) -> bool:
        seen, todo = {start}, deque([start])
        while todo:
            for box in self.targets(todo.popleft()):
                if box.name == name:
                    return True
                if box.id not in seen:
                    seen.add(box.id)
                    todo.append(box.id)
        return False


def load(path: Path) -> dict[str, Any]:
    """The patcher dict of a .maxpat (JSON) or .amxd (chunks: 4-byte id, LE uint32 size, data)."""
    data = path.read_bytes()
    if not data.startswith(b"ampf"):
        return json.loads(data.decode("utf-8"))
    offset = 0
    while offset + 8 <= len(data):
        tag, size = data[offset:offset + 4], struct.unpack_from("<I", data, offset + 4)[0]
        body = data[offset + 8:offset + 8 + size]
        if len(body) != size:
            raise ValueError(f"{path}: chunk {tag!r} runs past the end of the file")
        if tag == b"ptch":
            if body.startswith(b"mx@c"):
                raise ValueError(f"{path}: frozen devices are not read by this extractor")
            return json.loads(body.rstrip(b"\x00").decode("utf-8"))
        offset += 8 + size
    raise ValueError(f"{path}: no ptch chunk")


def _word_kind(word: str) -> str:
    if word.startswith("$"):
        raise ValueError(f"unresolved {word}")
    return NUMBER if _NUMBER_WORD.match(word) else STRING


def _typed_args(args: list[str]) -> tuple[str, ...]:
    kinds = {"i": NUMBER, "f": NUMBER, "s": STRING, "b": BANG}
    out = []
    for arg in args:
        if arg in kinds:
            out.append(kinds[arg])
        elif _NUMBER_WORD.match(arg):
            out.append(NUMBER)
        elif arg in ("l", "a"):
            raise ValueError(f"type argument {arg!r} does not fix a kind")
        else:
            out.append(STRING)
    return tuple(out)


def outlet_kinds(box: Box, outlet: int) -> tuple[str, ...]:
    """What ``box`` puts out of ``outlet``, or ValueError where the class does not fix it."""
    name = box.name
    if name in ("t", "trigger"):
        return (_typed_args(box.args)[outlet],)
    if name in ("pack", "pak") and outlet == 0:
        return _typed_args(box.args)
    if name == "unpack":
        return (_typed_args(box.args)[outlet],)
    if name in ("sel", "select") and outlet < len(box.args):
        return (BANG,)
    kinds = FEEDER_KINDS.get(name, {}).get(outlet)
    if kinds is None:
        raise ValueError(f"{box.id} ({name}) outlet {outlet}: the value type is not known")
    return kinds


def inlet_kinds(patch: Patch, box: Box) -> tuple[str, ...]:
    """The kinds of the values entering inlet 0 of ``box``, agreed by every typed feeder."""
    typed = set()
    feeders = patch.feeders(box.id)
    for feeder, outlet in feeders:
        kinds = outlet_kinds(feeder, outlet)
        if kinds != (BANG,):
            typed.add(kinds)
    if len(typed) != 1:
        reason = "no typed feeder" if not typed else f"feeders disagree: {sorted(typed)}"
        raise ValueError(f"{box.id} ({box.text!r}): {reason}")
    return typed.pop()


def _literal(word: str) -> str | float:
    return float(word) if _word_kind(word) == NUMBER else word


def _send_use(patch: Patch, box: Box) -> ClientUse:
    literals: list[str | float | None] = []
    if box.maxclass == "message":
        if "," in box.text or ";" in box.text:
            raise ValueError(f"{box.id}: one message per box ({box.text!r})")
        address, *words = box.text.split()
        kinds = []
        for word in words:
            if word.startswith("$"):
                index = int(word[1:]) - 1
                entering = inlet_kinds(patch, box)
                if index >= len(entering):
                    raise ValueError(f"{box.id}: {word} but the feeder puts out {len(entering)} value(s)")
                kinds.append(entering[index])
                literals.append(None)
            else:
                kinds.append(_word_kind(word))
                literals.append(_literal(word))
    else:
        address, *words = box.args
        entering = inlet_kinds(patch, box)
        kinds = [_word_kind(w) for w in words] + list(entering)
        literals = [_literal(w) for w in words] + [None] * len(entering)
    if BANG in kinds:
        raise ValueError(f"{box.id}: a bang cannot be an OSC argument")
    if not patch.reaches(box.id, "udpsend"):
        raise ValueError(f"{box.id} ({box.text!r}) is not connected to a udpsend")
    return ClientUse(address, "send", tuple(kinds), f"{box.id} [{box.text}]", tuple(literals))


def _expect_uses(patch: Patch) -> list[ClientUse]:
    uses = []
    for receive in (b for b in patch.boxes.values() if b.name == "udpreceive"):
        seen, todo = {receive.id}, deque([receive.id])
        while todo:
            for box in patch.targets(todo.popleft()):
                if box.id in seen:
                    continue
                seen.add(box.id)
                todo.append(box.id)
                if box.name != "route":
                    continue
                for outlet, address in enumerate(box.args):
                    if not address.startswith(PREFIX):
                        continue
                    unpacks = [t for t in patch.targets(box.id, outlet) if t.name == "unpack"]
                    kinds = _typed_args(unpacks[0].args) if unpacks else ()
                    uses.append(ClientUse(address, "expect", kinds, f"{box.id} [{box.text}] outlet {outlet}"))
    return uses


def uses(path: Path) -> list[ClientUse]:
    patch = Patch(load(path))
    found = []
    for box in patch.boxes.values():
        is_message = box.maxclass == "message" and box.text.startswith(PREFIX)
        is_prepend = box.name == "prepend" and bool(box.args) and box.args[0].startswith(PREFIX)
        if is_message or is_prepend:
            found.append(_send_use(patch, box))
    return found + _expect_uses(patch)


def target_ports(path: Path) -> list[int]:
    """The UDP ports every ``udpsend HOST PORT`` sends to."""
    ports = []
    for box in Patch(load(path)).boxes.values():
        if box.name == "udpsend":
            if len(box.args) != 2 or not box.args[1].isdigit():
                raise ValueError(f"{box.id}: udpsend without 'HOST PORT' arguments ({box.text!r})")
            ports.append(int(box.args[1]))
    return ports


# ---------------------------------------------------------------------------------------------
# following the bridge

# widgets a performer moves (and that a follower may move back with "set")
CONTROLS = {"number", "flonum", "umenu", "textedit", "matrixctrl", "live.dial", "live.numbox", "live.tab",
            "live.text", "live.toggle", "live.menu", "toggle"}
PER_BAR = ("/sidl/bar", "/sidl/activity", "/sidl/stats", "/sidl/tempo/now")


def _feedback_outlets(patch: Patch) -> dict[str, tuple[Box, int]]:
    """address → (route box, outlet) for every /sidl/... a route after udpreceive splits off."""
    return {use.address: (patch.boxes[use.where.split()[0]], int(use.where.rsplit(" ", 1)[1]))
            for use in _expect_uses(patch)}


def _is_setter(box: Box) -> bool:
    """A box whose output changes a control without output: "set …" message boxes, [prepend set]."""
    if box.maxclass == "message":
        return box.text.split()[:1] == ["set"]
    return box.name == "prepend" and box.args[:1] == ["set"]


def _gated(patch: Patch, control: Box) -> bool:
    """A grid whose every outlet goes only to a gate's right inlet (closed while it is redrawn)."""
    lines = [(d, i) for s, _, d, i in patch.lines if s == control.id]
    return bool(lines) and all(patch.boxes[d].name == "gate" and i == 1 for d, i in lines)


def _addresses_of(patch: Patch, control: Box) -> set[str]:
    """The /sidl/... addresses that leave through udpsend downstream of ``control``."""
    found, seen, todo = set(), {control.id}, deque([control.id])
    while todo:
        for box in patch.targets(todo.popleft()):
            if box.id in seen:
                continue
            seen.add(box.id)
            if box.maxclass == "message" and box.text.startswith(PREFIX) and patch.reaches(box.id, "udpsend"):
                found.add(box.text.split()[0])
            elif box.name == "prepend" and box.args[:1] and box.args[0].startswith(PREFIX):
                found.add(box.args[0])
            else:
                todo.append(box.id)
    return found


def _walk_follow(patch: Patch, start: tuple[Box, int]) -> tuple[list[Box], bool]:
    """From one outlet: the controls reached (through setters, or gated grids), and whether anything
    reached udpsend (an echo). A control reached any other way passes its value on: walked through.
    A gate's left inlet only opens or closes it: nothing passes there."""
    controls, echo = [], False
    seen: set[tuple[str, bool]] = set()
    todo: deque[tuple[str, int | None, bool]] = deque([(start[0].id, start[1], False)])
    while todo:
        box_id, outlet, via_set = todo.popleft()
        for src, out, dst, inlet in patch.lines:
            if src != box_id or (outlet is not None and out != outlet):
                continue
            target = patch.boxes[dst]
            setting = via_set or _is_setter(target)
            if (target.id, setting) in seen or (target.name == "gate" and inlet == 0):
                continue
            seen.add((target.id, setting))
            if target.name == "udpsend":
                echo = True
            elif target.name in CONTROLS and (via_set or _gated(patch, target)):
                controls.append(target)  # moved without output (or its output is gated): a sink
            else:
                todo.append((target.id, None, setting and target.name not in CONTROLS))
    return controls, echo


def echoes(path: Path) -> list[str]:
    """Feedback addresses from which a message can reach udpsend (following the bridge must not send)."""
    patch = Patch(load(path))
    return [address for address, start in _feedback_outlets(patch).items() if _walk_follow(patch, start)[1]]


def followers(path: Path) -> list[Follower]:
    """Controls the /sidl/state reply (through ``dict.unpack key:`` outlets) and the per-bar feedback
    (``/sidl/tempo/now`` unpacked) move without output. Raises ValueError where a follower would send
    something back to the bridge."""
    patch = Patch(load(path))
    outlets = _feedback_outlets(patch)
    starts: list[tuple[str, tuple[Box, int]]] = []
    if "/sidl/state" in outlets:
        route, outlet = outlets["/sidl/state"]
        reached = {b.id for b in patch.targets(route.id, outlet)}
        todo = deque(reached)
        while todo:
            for box in patch.targets(todo.popleft()):
                if box.id not in reached and box.name not in CONTROLS:
                    reached.add(box.id)
                    todo.append(box.id)
        unpacks = [patch.boxes[b] for b in sorted(reached) if patch.boxes[b].name == "dict.unpack"]
        inner = {b.id for u in unpacks for b in patch.targets(u.id) if b.name == "dict.unpack"}
        for unpack in unpacks:
            if unpack.id in inner:
                continue  # a nested dictionary: followed from its outer key
            for i, key in enumerate(unpack.args):
                starts.append((f"state:{key.rstrip(':')}", (unpack, i)))
    if "/sidl/tempo/now" in outlets:
        route, outlet = outlets["/sidl/tempo/now"]
        for box in patch.targets(route.id, outlet):
            if box.name == "unpack":
                starts += [(f"/sidl/tempo/now#{i}", (box, i)) for i in range(len(box.args))]
    found = []
    for source, start in starts:
        controls, echo = _walk_follow(patch, start)
        if echo:
            raise ValueError(f"{start[0].id} [{start[0].text}] outlet {start[1]} ({source}) reaches udpsend: "
                             "following the bridge would send to it")
        for control in controls:
            for address in sorted(_addresses_of(patch, control)):
                found.append(Follower(source, address, f"{control.id} ({control.maxclass})"))
    return found


def _upstream(patch: Patch, box_id: str) -> set[str]:
    seen, todo = {box_id}, deque([box_id])
    while todo:
        current = todo.popleft()
        for s, _, d, _ in patch.lines:
            if d == current and s not in seen:
                seen.add(s)
                todo.append(s)
    return seen


def query_triggers(path: Path) -> set[str]:
    """What makes the patch send /sidl/query: "open" (loadbang, live.thisdevice), "reconnect" (a
    button or live.text whose name or neighbouring comment says reconnect), "page" (a grid page)."""
    patch = Patch(load(path))
    found = set()
    for box in patch.boxes.values():
        if box.maxclass == "message" and box.text == f"{PREFIX}query" and patch.reaches(box.id, "udpsend"):
            for source in (patch.boxes[b] for b in _upstream(patch, box.id)):
                raw = source.name
                if raw in ("loadbang", "live.thisdevice"):
                    found.add("open")
                elif raw in ("button", "live.text") and _named(patch, source, "reconnect"):
                    found.add("reconnect")
    return found


def _named(patch: Patch, box: Box, word: str) -> bool:
    """The box's text or varname, or a comment in the presentation right beside it, says ``word``."""
    raw = patch.raw[box.id]
    if word in str(raw.get("text", "")).lower() or word in str(raw.get("varname", "")).lower():
        return True
    rect = raw.get("presentation_rect")
    if not rect:
        return False
    for other in patch.raw.values():
        near = other.get("presentation_rect")
        if other.get("maxclass") == "comment" and near and word in str(other.get("text", "")).lower() \
                and abs(near[1] - rect[1]) < 10 and 0 <= near[0] - (rect[0] + rect[2]) < 20:
            return True
    return False


def per_bar_prints(path: Path) -> list[str]:
    """print objects reached from the feedback that comes every bar (or step)."""
    patch = Patch(load(path))
    outlets = _feedback_outlets(patch)
    found = []
    for address in PER_BAR:
        if address not in outlets:
            continue
        route, outlet = outlets[address]
        seen, todo = set(), deque(b.id for b in patch.targets(route.id, outlet))
        while todo:
            current = patch.boxes[todo.popleft()]
            if current.id in seen:
                continue
            seen.add(current.id)
            if current.name == "print":
                found.append(f"{current.id} [{current.text}] ({address})")
            todo.extend(b.id for b in patch.targets(current.id))
    return found


def choice_labels(path: Path) -> dict[str, list[str]]:
    """What a umenu or live.tab shows per choice, by the address its choices send (through ``sel``)."""
    patch = Patch(load(path))
    raw = patch.raw
    out: dict[str, list[str]] = {}
    for box in patch.boxes.values():
        if box.maxclass == "umenu":
            labels = [item for item in raw[box.id].get("items", []) if item != ","]
        elif box.maxclass == "live.tab":
            labels = list(raw[box.id]["saved_attribute_attributes"]["valueof"].get("parameter_enum", []))
        else:
            continue
        for address in _addresses_of(patch, box):
            out[address] = [str(label) for label in labels]
    return out


def error_lamps(path: Path) -> list[dict[str, Any]]:
    """Panels moved by /sidl/error (a message that changes their colour): their saved attributes."""
    patch = Patch(load(path))
    raw = patch.raw
    outlets = _feedback_outlets(patch)
    if "/sidl/error" not in outlets:
        return []
    route, outlet = outlets["/sidl/error"]
    seen, todo, lamps = set(), deque(b.id for b in patch.targets(route.id, outlet)), []
    while todo:
        current = patch.boxes[todo.popleft()]
        if current.id in seen:
            continue
        seen.add(current.id)
        for target in patch.targets(current.id):
            if target.maxclass == "panel" and current.maxclass == "message" and "color" in current.text:
                lamps.append({**raw[target.id], "lit_by": current.text})
        todo.extend(b.id for b in patch.targets(current.id))
    return lamps
