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
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from client_contract import NUMBER, STRING, ClientUse, Follower

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
        elif head[0] == "#X" and head[1] in {"obj", "msg", "floatatom", "symbolatom", "text", "listbox"}:
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


# ---------------------------------------------------------------------------------------------
# following the bridge: one graph over every canvas, send/receive names and arrays included

Node = tuple[int, int]  # (canvas index, box index)
# where the receive name sits among a GUI object's arguments (after the class name): iemguis have it
# after the send name; floatatom/symbolatom/listbox write "width lower upper flag label receive send"
GUI_RECEIVE_ARG = {name: index + 1 for name, index in GUI_SEND_ARG.items()} | {"cnv": 4}
ATOM_BOXES = {"floatatom", "symbolatom", "listbox"}
TABLE_WRITERS = {"tabwrite", "array set", "array define"}
PER_BAR = ("activity", "bar", "tempo", "stats")


@dataclass
class Graph:
    canvases: list[PdCanvas]
    edges: dict[Node, list[tuple[Node, int, int]]]  # node → [(target, outlet, inlet)]; names use outlet/inlet -1

    def box(self, node: Node) -> Box:
        return self.canvases[node[0]].boxes[node[1]]


def _gui_name(box: Box, gui_arg: dict[str, int], atom_token: int) -> str | None:
    """The send or receive name of a GUI object (its argument at ``gui_arg[name]``) or an atom box
    (its token ``atom_token``), if it has one."""
    if box.kind == "obj" and box.name in gui_arg and len(box.tokens) > 1 + gui_arg[box.name]:
        return box.tokens[1 + gui_arg[box.name]]
    if box.kind in ATOM_BOXES and len(box.tokens) > atom_token:
        return box.tokens[atom_token]
    return None


def _send_name(box: Box) -> str | None:
    return _gui_name(box, GUI_SEND_ARG, 6)


def _receive_name(box: Box) -> str | None:
    return _gui_name(box, GUI_RECEIVE_ARG, 5)


def _table(box: Box, kinds: set[str]) -> str | None:
    """The array a tabwrite/tabread/array … object names."""
    if box.kind != "obj" or len(box.tokens) < 2:
        return None
    if box.name in ("tabwrite", "tabread") and box.name in kinds:
        return box.tokens[1]
    if box.name == "array" and len(box.tokens) > 2 and f"array {box.tokens[1]}" in kinds:
        return box.tokens[2]
    return None


def graph(path: Path) -> Graph:
    canvases = parse(path)
    edges: dict[Node, list[tuple[Node, int, int]]] = {}
    receivers: dict[str, list[Node]] = {}  # name → [r NAME] objects and GUIs receiving on NAME
    senders: dict[str, list[Node]] = {}  # name → [s NAME] objects and GUIs sending on NAME
    readers: dict[str, list[Node]] = {}
    writers: dict[str, list[Node]] = {}
    for c, canvas in enumerate(canvases):
        for b, box in enumerate(canvas.boxes):
            node = (c, b)
            for outlet, targets in box.outputs.items():
                edges.setdefault(node, []).extend(((c, t), outlet, inlet) for t, inlet in targets)
            if box.kind == "obj" and box.name in ("r", "receive") and len(box.tokens) > 1:
                receivers.setdefault(box.tokens[1], []).append(node)
            if box.kind == "obj" and box.name in ("s", "send") and len(box.tokens) > 1:
                senders.setdefault(box.tokens[1], []).append(node)
            name = _receive_name(box)
            if name not in (None, "-", "empty"):
                receivers.setdefault(name, []).append(node)
            name = _send_name(box)
            if name not in (None, "-", "empty"):
                senders.setdefault(name, []).append(node)
            if (table := _table(box, {"tabwrite", "array set"})) is not None:
                writers.setdefault(table, []).append(node)
            if (table := _table(box, {"tabread", "array get", "array max"})) is not None:
                readers.setdefault(table, []).append(node)
            if box.kind == "msg" and box.tokens[:1] == ["const"]:
                pass  # "const 0" reaches its array through [s NAME] → receivers of NAME (the array)
    for name, nodes in senders.items():
        for node in nodes:
            edges.setdefault(node, []).extend((target, -1, -1) for target in receivers.get(name, []) if target != node)
    for table, nodes in writers.items():
        for node in nodes:
            edges.setdefault(node, []).extend((target, -1, -1) for target in readers.get(table, []))
    return Graph(canvases, edges)


def _is_gui(box: Box) -> bool:
    return (box.kind == "obj" and box.name in GUI_SEND_ARG) or box.kind in ATOM_BOXES


def _is_setter(box: Box) -> bool:
    return box.kind == "msg" and box.tokens[:1] == ["set"]


def _ctl_words(g: Graph) -> dict[Node, str]:
    """Message boxes that send a control line to [s sidl-ctl] → the OSC address of its word."""
    addresses = _ctl_addresses(g.canvases)
    out = {}
    for c, canvas in enumerate(g.canvases):
        for b, box in enumerate(canvas.boxes):
            targets = [canvas.boxes[t] for t, _ in box.outputs.get(0, [])]
            if box.kind == "msg" and any(t.kind == "obj" and t.tokens[:2] in (["s", CTL], ["send", CTL]) for t in targets):
                word = _message_text(box)[0]
                if word in addresses:
                    out[(c, b)] = addresses[word]
    return out


def _walk(g: Graph, starts: list[Node], stop_at_guis_set: bool = True) -> tuple[list[Node], set[Node]]:
    """From ``starts`` downstream: the GUI objects reached through a "set" message (moved without
    output: not walked through), and every node reached otherwise."""
    moved, seen = [], set(starts)
    todo: deque[tuple[Node, bool]] = deque((s, False) for s in starts)
    while todo:
        node, via_set = todo.popleft()
        for target, _, _ in g.edges.get(node, []):
            box = g.box(target)
            setting = via_set or _is_setter(box)
            if _is_gui(box) and setting and stop_at_guis_set:
                moved.append(target)
                continue
            if target not in seen:
                seen.add(target)
                # a GUI passes what it gets on (through its send name); a value set stays set downstream
                todo.append((target, setting and not _is_gui(box)))
    return moved, seen


def _address_of_gui(g: Graph, node: Node, words: dict[Node, str]) -> set[str]:
    _, seen = _walk(g, [node], stop_at_guis_set=False)
    return {words[n] for n in seen if n in words}


def _feedback_routes(g: Graph) -> dict[str, list[tuple[Node, int]]]:
    """Feedback word (bar, state, tempo, …) → (route box, outlet) after [route sidl], through [route]s."""
    out: dict[str, list[tuple[Node, int]]] = {}
    for c, canvas in enumerate(g.canvases):
        for b, box in enumerate(canvas.boxes):
            if box.kind == "obj" and box.tokens == ["route", "sidl"]:
                for target, _ in box.outputs.get(0, []):
                    child = canvas.boxes[target]
                    if child.name == "route":
                        for outlet, word in enumerate(child.tokens[1:]):
                            out.setdefault(word, []).append(((c, target), outlet))
    return out


def followers(path: Path) -> list[Follower]:
    """GUI controls the /sidl/state reply and the per-bar tempo move with "set" messages (no output).

    The state's keys are the arguments of the [route …] objects reached from the "state" feedback;
    per-bar sources are ``/sidl/tempo/now#<argument>`` (the [unpack] after [route now])."""
    g = graph(path)
    words = _ctl_words(g)
    routes = _feedback_routes(g)
    starts: list[tuple[str, Node, int]] = []
    for route, outlet in routes.get("state", []):
        first = [target for target, out, _ in g.edges.get(route, []) if out == outlet]
        _, reached = _walk(g, first)
        for node in sorted(reached | set(first)):
            box = g.box(node)
            keys = box.tokens[1:] if box.kind == "obj" and box.name == "route" else []
            if keys and not set(keys) & {"float", "symbol", "list", "bang", "pointer"}:
                starts += [(f"state:{key}", node, i) for i, key in enumerate(keys)]
    for route, outlet in routes.get("tempo", []):
        for now, _ in g.canvases[route[0]].boxes[route[1]].outputs.get(outlet, []):
            now_box = g.canvases[route[0]].boxes[now]
            if now_box.tokens[:2] != ["route", "now"]:
                continue
            for unpack, _ in now_box.outputs.get(0, []):
                if g.canvases[route[0]].boxes[unpack].name == "unpack":
                    starts += [(f"/sidl/tempo/now#{i}", (route[0], unpack), i) for i in range(2)]
    found = []
    for source, node, outlet in starts:
        first = [target for target, out, _ in g.edges.get(node, []) if out == outlet]
        moved, _ = _walk(g, first) if first else ([], set())
        moved += [t for t in first if _is_gui(g.box(t))]
        for gui in moved:
            for address in sorted(_address_of_gui(g, gui, words)):
                found.append(Follower(source, address, f"{path.name}: {' '.join(g.box(gui).tokens[:8])}"))
    return found


def echoes(path: Path) -> list[str]:
    """Feedback words from which a message reaches [s sidl-ctl] or [netsend] (an echo to the bridge)."""
    g = graph(path)
    found = []
    for word, outlets in _feedback_routes(g).items():
        for route, outlet in outlets:
            first = [target for target, out, _ in g.edges.get(route, []) if out == outlet]
            _, reached = _walk(g, first)
            for node in reached | set(first):
                box = g.box(node)
                if box.kind == "obj" and (box.tokens[:2] in (["s", CTL], ["send", CTL]) or box.name == "netsend"):
                    found.append(word)
    return sorted(set(found))


def query_triggers(path: Path) -> set[str]:
    """What sends ``query``: "open" (loadbang), "reconnect" (sidl-reconnect), "port" (a new port)."""
    g = graph(path)
    reverse: dict[Node, list[Node]] = {}
    for node, targets in g.edges.items():
        for target, _, _ in targets:
            reverse.setdefault(target, []).append(node)
    found = set()
    for node, address in _ctl_words(g).items():
        if address != f"{PREFIX}/query":
            continue
        seen, todo = {node}, deque([node])
        while todo:
            for source in reverse.get(todo.popleft(), []):
                if source in seen:
                    continue
                seen.add(source)
                todo.append(source)
                box = g.box(source)
                if box.kind == "obj" and box.name == "loadbang":
                    found.add("open")
                if box.kind == "obj" and box.name in ("r", "receive") and len(box.tokens) > 1:
                    if "reconnect" in box.tokens[1]:
                        found.add("reconnect")
                    if box.tokens[1] in ("sidl-connect", "sidl-listen"):
                        found.add("port")
    return found


def per_bar_prints(path: Path) -> list[str]:
    """[print] objects reached from feedback that comes every bar (or step)."""
    g = graph(path)
    found = []
    for word in PER_BAR:
        for route, outlet in _feedback_routes(g).get(word, []):
            first = [target for target, out, _ in g.edges.get(route, []) if out == outlet]
            _, reached = _walk(g, first, stop_at_guis_set=False)
            found += [f"{word}: {' '.join(g.box(n).tokens)}" for n in reached | set(first)
                      if g.box(n).kind == "obj" and g.box(n).name == "print"]
    # [route sidl] fans out everything, every bar: a print there prints every bar too
    for c, canvas in enumerate(g.canvases):
        for b, box in enumerate(canvas.boxes):
            if box.kind == "obj" and box.tokens == ["route", "sidl"]:
                for target, _ in box.outputs.get(0, []):
                    child = canvas.boxes[target]
                    if child.name == "print" or (child.name == "route" and any(
                            canvas.boxes[t].name == "print" for o, ts in child.outputs.items() for t, _ in ts
                            if o == len(child.tokens) - 1)):
                        found.append(f"route sidl → {' '.join(child.tokens)}")
    return found


def choice_labels(path: Path) -> dict[str, list[str]]:
    """What the panel writes beside each cell of a radio, by the address its choices send (the
    comments right of a vertical radio's cells, or under a horizontal one's)."""
    g = graph(path)
    words = _ctl_words(g)
    out: dict[str, list[str]] = {}
    main = g.canvases[0]
    positions = _positions(path)[0]
    for b, box in enumerate(main.boxes):
        if box.kind != "obj" or box.name not in ("vradio", "hradio"):
            continue
        size, cells = int(box.tokens[1]), int(box.tokens[4])
        x, y = positions[b]
        labels = []
        for i in range(cells):
            cx, cy = (x + size, y + size * i) if box.name == "vradio" else (x + size * i, y + size)
            texts = [" ".join(t for t in main.boxes[k].tokens if t != "\\,") for k, (px, py) in enumerate(positions)
                     if main.boxes[k].kind == "text" and 0 <= px - cx <= 12 and 0 <= py - cy < size]
            labels.append(texts[0].split(",")[0].strip() if texts else "")
        for address in _address_of_gui(g, (0, b), words):
            out[address] = labels
    return out


def _positions(path: Path) -> list[list[tuple[int, int]]]:
    """(x, y) of every box, per canvas, in the same order as parse()."""
    out: list[list[tuple[int, int]]] = []
    stack: list[list[tuple[int, int]]] = []
    for record in _records(path.read_text(encoding="utf-8")):
        tokens = record.replace("\n", " ").split()
        if tokens[:2] == ["#N", "canvas"]:
            stack.append([])
            out.append(stack[-1])
        elif tokens[:2] == ["#X", "restore"]:
            stack.pop()
            if stack:
                stack[-1].append((int(tokens[2]), int(tokens[3])))
        elif tokens[0] == "#X" and tokens[1] in {"obj", "msg", "floatatom", "symbolatom", "text", "listbox"}:
            stack[-1].append((int(tokens[2]), int(tokens[3])))
    return out
