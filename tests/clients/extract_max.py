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

from client_contract import NUMBER, STRING, ClientUse

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
        for entry in patcher["boxes"]:
            raw = entry["box"]
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
