"""What a Pd client patch sends to the bridge and which feedback it unpacks, read from the .pd file.

The patch's conventions (see max_patches/pd/make_sidl_pd.py): control lines ``<word> <values>`` reach
``[s sidl-ctl]`` from message boxes; ``[r sidl-ctl]`` → ``[route <words>]`` → ``[list]`` →
``[oscformat sidl <address parts>]`` turns each word into its OSC address. A ``$N`` in a message box
takes its type from the box that feeds it (a number box, slider, radio, toggle, ``[f]``, ``[pack f s]``
… or a ``[r NAME]`` whose senders are GUI objects). Feedback comes from ``[route sidl]`` after
``[oscparse]``, into nested ``[route]`` and ``[unpack]`` objects. Anything this reader cannot type
raises, so the contract test never passes on a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from client_contract import NUMBER, STRING, ClientUse

PREFIX = "/sidl"
CTL = "sidl-ctl"
# where the send name sits among a GUI object's arguments (after the class name)
GUI_SEND_ARG = {"hsl": 6, "vsl": 6, "hradio": 4, "vradio": 4, "tgl": 2, "bng": 4, "nbx": 6}
NUMBER_SOURCES = {"f", "float", "i", "int", "floatatom", "hsl", "vsl", "hradio", "vradio", "tgl", "bng", "nbx",
                  "sel", "select", "+", "-", "*", "/"}
STRING_SOURCES = {"symbol", "symbolatom"}


@dataclass
class Box:
    kind: str  # obj, msg, floatatom, symbolatom, text, graph, subpatch
    tokens: list[str]
    inputs: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # inlet -> [(source box, outlet)]
    outputs: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # outlet -> [(target box, inlet)]

    @property
    def name(self) -> str:
        return self.tokens[0] if self.kind == "obj" and self.tokens else self.kind


@dataclass
class PdCanvas:
    boxes: list[Box] = field(default_factory=list)


def _records(text: str) -> list[str]:
    # records end with an unescaped ';'
    return [r.strip() for r in re.split(r"(?<!\\);", text) if r.strip()]


def parse(path: Path) -> list[PdCanvas]:
    """Every canvas of the file (the main one first), with boxes and connections."""
    canvases: list[PdCanvas] = []
    stack: list[PdCanvas] = []
    for record in _records(path.read_text(encoding="utf-8")):
        tokens = record.replace("\n", " ").split()
        head = tokens[:2]
        if head[0] == "#N" and head[1] == "canvas":
            stack.append(PdCanvas())
            canvases.append(stack[-1])
        elif head == ["#X", "restore"]:
            stack.pop()
            if stack:  # the closed canvas is one box (a subpatch or a graph) of its parent
                stack[-1].boxes.append(Box("subpatch", tokens[4:]))
        elif head == ["#X", "connect"]:
            a, outlet, b, inlet = (int(t) for t in tokens[2:6])
            boxes = stack[-1].boxes
            boxes[a].outputs.setdefault(outlet, []).append((b, inlet))
            boxes[b].inputs.setdefault(inlet, []).append((a, outlet))
        elif head[0] == "#X" and head[1] in {"obj", "msg", "floatatom", "symbolatom", "text"}:
            stack[-1].boxes.append(Box(head[1], tokens[4:]))
        elif head[0] == "#X" and head[1] in {"array", "coords"}:
            continue
        else:
            raise ValueError(f"{path}: unexpected record {record[:60]!r}")
    return canvases


def _message_text(box: Box) -> list[str]:
    return [t.replace("\\$", "$") for t in box.tokens]


def _gui_senders(canvases: list[PdCanvas]) -> dict[str, list[str]]:
    """send name -> the classes of the GUI objects that send on it."""
    senders: dict[str, list[str]] = {}
    for canvas in canvases:
        for box in canvas.boxes:
            if box.kind == "obj" and box.name in GUI_SEND_ARG and len(box.tokens) > 1 + GUI_SEND_ARG[box.name]:
                senders.setdefault(box.tokens[1 + GUI_SEND_ARG[box.name]], []).append(box.name)
            elif box.kind in {"floatatom", "symbolatom"} and len(box.tokens) > 6 and box.tokens[6] != "-":
                senders.setdefault(box.tokens[6], []).append(box.kind)
    return senders


def _source_types(canvas: PdCanvas, box: Box, senders: dict[str, list[str]], where: str) -> list[str]:
    """The types of the values arriving at ``box``'s left inlet (one per $N position)."""
    types: list[str] | None = None
    for source_index, outlet in box.inputs.get(0, []):
        source = canvas.boxes[source_index]
        if source.kind in {"floatatom", "symbolatom"}:
            found = [NUMBER if source.kind == "floatatom" else STRING]
        elif source.name in {"pack", "unpack"}:
            found = [STRING if t in {"s", "symbol"} else NUMBER for t in source.tokens[1:]]
        elif source.name in {"r", "receive"}:
            classes = senders.get(source.tokens[1], [])
            if not classes:
                raise ValueError(f"{where}: nothing in the patch sends on {source.tokens[1]!r}")
            kinds = {STRING if c in STRING_SOURCES else NUMBER if c in NUMBER_SOURCES else "?" for c in classes}
            if len(kinds) != 1 or "?" in kinds:
                raise ValueError(f"{where}: cannot type what {classes} send on {source.tokens[1]!r}")
            found = [kinds.pop()]
        elif source.name in {"t", "trigger"}:
            kind = source.tokens[1 + outlet]  # [t b f]: outlet 1 sends the float
            if kind not in {"f", "float", "s", "symbol"}:
                raise ValueError(f"{where}: a trigger outlet of type {kind!r} feeds a message box")
            found = [STRING if kind in {"s", "symbol"} else NUMBER]
        elif source.name in NUMBER_SOURCES:
            found = [NUMBER]
        elif source.name in STRING_SOURCES:
            found = [STRING]
        else:
            raise ValueError(f"{where}: cannot type the values {source.name!r} sends into a message box")
        if types is not None and types != found:
            raise ValueError(f"{where}: fed values of types {types} and {found}")
        types = found
    if types is None:
        raise ValueError(f"{where}: a message box with $N arguments that nothing feeds")
    return types


def _ctl_addresses(canvases: list[PdCanvas]) -> dict[str, str]:
    """control word -> OSC address, from [r sidl-ctl] → [route …] → [list] → [oscformat sidl …]."""
    words: dict[str, str] = {}
    for canvas in canvases:
        for box in canvas.boxes:
            if box.kind != "obj" or box.tokens[:2] != ["r", CTL]:
                continue
            for target, _ in box.outputs.get(0, []):
                route = canvas.boxes[target]
                if route.name != "route":
                    continue
                for outlet, word in enumerate(route.tokens[1:]):
                    for step, _ in route.outputs.get(outlet, []):
                        formatter = canvas.boxes[step]
                        while formatter.name == "list" and formatter.outputs.get(0):
                            formatter = canvas.boxes[formatter.outputs[0][0][0]]
                        if formatter.name != "oscformat":
                            raise ValueError(f"route outlet for {word!r} does not reach an oscformat")
                        words[word] = "/" + "/".join(formatter.tokens[1:])
    if not words:
        raise ValueError("no [r sidl-ctl] → [route] → [oscformat] chain found")
    return words


def _ctl_messages(canvases: list[PdCanvas]) -> list[tuple[PdCanvas, int, Box]]:
    found = []
    for canvas in canvases:
        for index, box in enumerate(canvas.boxes):
            if box.kind != "msg":
                continue
            targets = [canvas.boxes[t] for t, _ in box.outputs.get(0, [])]
            if any(t.kind == "obj" and t.tokens[:2] in (["s", CTL], ["send", CTL]) for t in targets):
                found.append((canvas, index, box))
    return found


def uses(path: Path) -> list[ClientUse]:
    canvases = parse(path)
    senders = _gui_senders(canvases)
    addresses = _ctl_addresses(canvases)
    result: list[ClientUse] = []
    for canvas, index, box in _ctl_messages(canvases):
        where = f"{path.name}: message box {index} ({' '.join(box.tokens)!r})"
        tokens = _message_text(box)
        if tokens[0] not in addresses:
            raise ValueError(f"{where}: control word {tokens[0]!r} is not routed to any address")
        types: list[str] = []
        literals: list[str | float | None] = []
        fed: list[str] | None = None
        for token in tokens[1:]:
            if token.startswith("$"):
                fed = fed if fed is not None else _source_types(canvas, box, senders, where)
                position = int(token[1:]) - 1
                if position >= len(fed):
                    raise ValueError(f"{where}: {token} but only {len(fed)} value(s) arrive")
                types.append(fed[position])
                literals.append(None)
            elif re.fullmatch(r"-?\d+(\.\d+)?", token):
                types.append(NUMBER)
                literals.append(float(token))
            else:
                types.append(STRING)
                literals.append(token)
        result.append(ClientUse(addresses[tokens[0]], "send", tuple(types), where, tuple(literals)))
    result += _feedback(canvases, path)
    return result


def _feedback(canvases: list[PdCanvas], path: Path) -> list[ClientUse]:
    """Each address split out of [route sidl] (through nested routes), with the types its [unpack] takes."""
    result: list[ClientUse] = []

    def follow(canvas: PdCanvas, box: Box, address: str, where: str) -> None:
        for outlet, word in enumerate(box.tokens[1:]):
            for target, _ in box.outputs.get(outlet, []):
                child = canvas.boxes[target]
                full = f"{address}/{word}"
                if child.name == "route":
                    follow(canvas, child, full, where)
                elif child.name == "unpack":
                    kinds = tuple(STRING if t in {"s", "symbol"} else NUMBER for t in child.tokens[1:])
                    result.append(ClientUse(full, "expect", kinds, where))
                else:
                    result.append(ClientUse(full, "expect", (), where))

    for canvas in canvases:
        for index, box in enumerate(canvas.boxes):
            if box.kind == "obj" and box.tokens == ["route", "sidl"]:
                for target, _ in box.outputs.get(0, []):
                    child = canvas.boxes[target]
                    if child.name == "route":
                        follow(canvas, child, PREFIX, f"{path.name}: route after box {index}")
    return result


def target_ports(path: Path) -> list[int]:
    """The ports given to ``connect localhost $1`` (traced back to the number message feeding it)."""
    ports: list[int] = []
    for canvas in parse(path):
        for box in canvas.boxes:
            text = _message_text(box)
            if box.kind != "msg" or "connect" not in text:
                continue
            after = text[text.index("connect") + 2:]
            if after and after[0].isdigit():
                ports.append(int(after[0]))
                continue
            frontier, seen = [box], set()
            while frontier:
                current = frontier.pop()
                for source, _ in current.inputs.get(0, []):
                    if source in seen:
                        continue
                    seen.add(source)
                    feeder = canvas.boxes[source]
                    if feeder.kind == "msg" and len(feeder.tokens) == 1 and feeder.tokens[0].isdigit():
                        ports.append(int(feeder.tokens[0]))
                    elif feeder.kind == "obj" and feeder.name in {"f", "float", "t", "trigger"}:
                        frontier.append(feeder)
    return ports
