"""What an Open Stage Control session (``max_patches/surface/*.json``) says on the wire, read from the file.

It models how Open Stage Control 1.x turns a widget into an OSC message (read from its source, see
``max_patches/surface/README.md``): the arguments are the widget's ``preArgs`` followed by its value,
typed by ``typeTags`` (one letter per argument, the last repeating), sent to ``target``. Scripts send
with ``send([target,] address, ...args)``. Anything this module cannot read for certain raises
``ValueError``: a sender with no explicit target, a container that could send its tab index, a script
call it does not recognise. It never imports the generator.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from client_contract import NUMBER, STRING, ClientUse, Follower

Widget = dict[str, Any]

SENDERS = {"button", "fader", "switch", "input"}  # send their value when touched
CONTAINERS = {"root", "tab", "panel"}  # a panel holding tabs sends the selected tab's index
# never send OSC by themselves: text and variable only sync other clients, plot is bypassed by
# construction, a script widget only runs its scripts
SILENT = {"text", "variable", "plot", "script"}
SCRIPT_PROPS = ("onCreate", "onValue", "onTouch", "onPreload", "onKeyboard")
LETTERS = {"i": NUMBER, "f": NUMBER, "d": NUMBER, "h": NUMBER, "s": STRING}

_STR = r"'[^'\\\n]*'"
_NUM = r"-?\d+(?:\.\d+)?"
_TYPED = r"\{\s*type:\s*'(?P<letter>[a-zA-Z])'\s*,\s*value:\s*(?P<value>" + _NUM + "|" + _STR + r")\s*\}"
_ARG = re.compile(r"\s*,\s*(?:" + _TYPED + r"|(?P<num>" + _NUM + r")|(?P<str>" + _STR + r"))")
_SEND = re.compile(r"send\(\s*(?:'(?P<target>[^'/][^']*)'\s*,\s*)?'(?P<address>/[^']*)'(?P<args>(?:" + _ARG.pattern
                   + r")*)\s*\)")
# set(id, value, {send: false}) on one line; the value is any expression without another set( in it
_SET = re.compile(r"set\(\s*'(?P<id>[^'\\\n]*)'\s*,\s*(?P<value>(?:(?!\bset\().)+?)\s*,\s*\{\s*send:\s*false\s*\}\s*\)")
_CALL = re.compile(r"\b(send|set|stateSet|toolbar|reload)\s*\(")


def load(path: Path) -> Widget:
    """The root widget, after checking the 1.x session layout: {version, type: session, content: root}."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("type") != "session" or not isinstance(data.get("version"), str):
        raise ValueError(f"{path}: not an Open Stage Control 1.x session (type/version missing)")
    root = data.get("content")
    if not isinstance(root, dict) or root.get("type") != "root":
        raise ValueError(f"{path}: content must be the root widget")
    return root


def walk(widget: Widget) -> Iterator[Widget]:
    yield widget
    for key in ("tabs", "widgets"):
        for child in widget.get(key, []):
            yield from walk(child)


def address_of(widget: Widget) -> str:
    address = widget.get("address", "auto")
    return "/" + widget["id"] if address == "auto" else str(address)


def pre_args(widget: Widget) -> list[Any]:
    value = widget.get("preArgs", "")
    return [] if value == "" else list(value) if isinstance(value, list) else [value]


def _kind(value: Any, where: str) -> str | None:
    """NUMBER/STRING of a literal; None for an advanced-syntax reference (@{id}), typed by typeTags only."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{where}: cannot type argument {value!r}")
    if isinstance(value, (int, float)):
        return NUMBER
    if isinstance(value, str):
        return None if "@{" in value or "#{" in value else STRING
    raise ValueError(f"{where}: cannot type argument {value!r}")


def value_kinds(widget: Widget, where: str) -> list[str | None]:
    """The kinds of the value part of a sender's message (after preArgs)."""
    kind = widget["type"]
    if kind == "fader":
        return [NUMBER]
    if kind == "button":
        mode = widget.get("mode", "toggle")
        if mode == "momentary":
            return []  # no value: the message is the address and preArgs
        states = [widget.get("on", 1)] + ([] if mode == "tap" else [widget.get("off", 0)])
        if any(s is None for s in states):
            if all(s is None for s in states):
                return []
            raise ValueError(f"{where}: on/off must both send a value or both send none")
        kinds = {_kind(s, where) for s in states}
        if len(kinds) != 1 or None in kinds:
            raise ValueError(f"{where}: on/off values of different or unknown kinds: {states}")
        return [kinds.pop()]
    if kind == "switch":
        values = switch_values(widget)
        kinds = {_kind(v, where) for v in values}
        if len(kinds) != 1 or None in kinds:
            raise ValueError(f"{where}: switch values of different or unknown kinds: {values}")
        return [kinds.pop()]
    if kind == "input":
        return [None]  # free text: JSON-parsed, so only typeTags can say what goes out
    raise ValueError(f"{where}: no model for what a {kind!r} widget sends")


def switch_values(widget: Widget) -> list[Any]:
    """A switch's values: an array, {"label": value, …} or {"labels": [...], "values": [...]} (menu-base.mjs)."""
    values = widget.get("values")
    if isinstance(values, dict):
        values = values["values"] if set(values) == {"labels", "values"} else list(values.values())
    if not isinstance(values, list) or not values:
        raise ValueError(f"{widget.get('id')}: switch without values")
    return values


def wire_letters(widget: Widget) -> list[str]:
    """The OSC type letter of each argument a sender puts on the wire (typeTags; last letter repeats)."""
    where = widget["id"]
    kinds = [_kind(v, where) for v in pre_args(widget)] + value_kinds(widget, where)
    tags = str(widget.get("typeTags", ""))
    if not tags:
        if None in kinds:
            raise ValueError(f"{where}: typeTags needed to type {widget.get('preArgs')!r} / the input's value")
        return ["f" if k == NUMBER else "s" for k in kinds]
    if len(tags) > len(kinds) or any(t not in LETTERS for t in tags):
        raise ValueError(f"{where}: typeTags {tags!r} do not fit {len(kinds)} argument(s)")
    letters = [tags[min(i, len(tags) - 1)] for i in range(len(kinds))]
    for i, (letter, kind) in enumerate(zip(letters, kinds)):
        if kind is not None and LETTERS[letter] != kind:
            raise ValueError(f"{where}: argument {i} is a {kind} but typeTags say {letter!r}")
    return letters


def _targets(value: Any, where: str) -> list[str]:
    targets = value if isinstance(value, list) else [] if value in ("", None) else [value]
    if not targets or not all(isinstance(t, str) and re.fullmatch(r"[^:\s]+:\d{1,5}", t) for t in targets):
        raise ValueError(f"{where}: needs an explicit host:port target, got {value!r} "
                         "(the server's --send defaults are not in the file)")
    return targets


def _is_sender(widget: Widget) -> bool:
    kind, where = widget.get("type"), widget.get("id")
    if kind in CONTAINERS:
        if widget.get("bypass") is not True:
            raise ValueError(f"{where}: a {kind} without bypass can send its tab index")
        return False
    if kind in SILENT:
        return False
    if kind not in SENDERS:
        raise ValueError(f"{where}: unknown widget type {kind!r}")
    return widget.get("bypass") is not True


def script_sends(widget: Widget) -> list[tuple[str, str | None, str, list[tuple[str, str]]]]:
    """(property, target, address, [(letter, literal)]) per send() in the widget's scripts; strict."""
    found = []
    for prop in SCRIPT_PROPS:
        code = widget.get(prop, "")
        if not code:
            continue
        where = f"{widget['id']}.{prop}"
        for call in _CALL.finditer(code):
            name, start = call.group(1), call.start()
            if name == "set":
                if not _SET.match(code, start):
                    raise ValueError(f"{where}: set() must pass {{send: false}} (it would send otherwise): "
                                     f"{code[start:start + 80]!r}")
                continue
            if name != "send":
                raise ValueError(f"{where}: {name}() is not modelled")
            match = _SEND.match(code, start)
            if match is None:
                raise ValueError(f"{where}: cannot read this send(): {code[start:start + 80]!r}")
            args = []
            for arg in _ARG.finditer(match.group("args")):
                if arg.group("letter"):
                    letter = arg.group("letter")
                    if letter not in LETTERS:
                        raise ValueError(f"{where}: OSC type {letter!r} not modelled")
                    literal = arg.group("value")
                    if (literal[0] == "'") != (LETTERS[letter] == STRING):
                        raise ValueError(f"{where}: {literal} is not an OSC {letter!r} value")
                    args.append((letter, literal))
                elif arg.group("num"):
                    args.append(("f", arg.group("num")))  # untyped numbers go out as floats
                else:
                    args.append(("s", arg.group("str")))
            found.append((prop, match.group("target"), match.group("address"), args))
    return found


def value_alternatives(widget: Widget) -> list[list[Any]]:
    """Each value part a sender can put after its preArgs: every switch value, a button's on and off,
    a fader's range ends; None where the value varies freely (an input's text)."""
    kind = widget["type"]
    if kind == "fader":
        ends = [_range_value(b) for b in widget.get("range", {"min": 0, "max": 1}).values()]
        return [[min(ends)], [max(ends)]]
    if kind == "button":
        mode = widget.get("mode", "toggle")
        states = [] if mode == "momentary" else [widget.get("on", 1)] + ([] if mode == "tap" else [widget.get("off", 0)])
        return [[s] for s in states if s is not None] or [[]]
    if kind == "switch":
        return [[v] for v in switch_values(widget)]
    return [[None]]


def _range_value(breakpoint: Any) -> float:
    # a range breakpoint is a number or {"label": number}
    value = next(iter(breakpoint.values())) if isinstance(breakpoint, dict) else breakpoint
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"range breakpoint {breakpoint!r} is not a number")
    return float(value)


def _literal(value: Any, letter: str) -> str | float | None:
    if value is None or (isinstance(value, str) and ("@{" in value or "#{" in value)):
        return None  # resolved at run time from another widget
    return str(value) if LETTERS[letter] == STRING else float(value)


def _script_literal(text: str, letter: str) -> str | float:
    return text[1:-1] if LETTERS[letter] == STRING else float(text)


def uses(path: Path) -> list[ClientUse]:
    out: list[ClientUse] = []
    for widget in walk(load(path)):
        where = str(widget.get("id"))
        if _is_sender(widget):
            _targets(widget.get("target", ""), where)
            letters = wire_letters(widget)
            types = tuple(LETTERS[letter] for letter in letters)
            for values in value_alternatives(widget):
                args = pre_args(widget) + values
                literals = tuple(_literal(v, letter) for v, letter in zip(args, letters))
                out.append(ClientUse(address_of(widget), "send", types, where, literals))
        for prop, target, address, args in script_sends(widget):
            if target is None:
                _targets(widget.get("target", ""), f"{where}.{prop}")
            out.append(ClientUse(address, "send", tuple(LETTERS[letter] for letter, _ in args), f"{where}.{prop}",
                                 tuple(_script_literal(text, letter) for letter, text in args)))
        expect = expected_types(widget)
        if expect is not None:
            out.append(ClientUse(address_of(widget), "expect", expect, where))
    return out


def expected_types(widget: Widget) -> tuple[str, ...] | None:
    """What a display widget unpacks from the feedback address it listens on (None: not a display).
    Only explicit addresses count: ``auto`` (/<id>) is no feedback address."""
    kind = widget.get("type")
    if kind not in SILENT or widget.get("address", "auto") == "auto":
        return None
    if kind == "plot":
        return (NUMBER,)  # a plot's value is an array of y values
    if kind == "text":
        return ()  # shows the arguments as they come
    tags = str(widget.get("typeTags", ""))
    if not tags or any(t not in LETTERS for t in tags):
        raise ValueError(f"{widget.get('id')}: a {kind} receiver declares what it unpacks in typeTags, got {tags!r}")
    return tuple(LETTERS[t] for t in tags)


def target_ports(path: Path) -> list[int]:
    ports: set[int] = set()
    for widget in walk(load(path)):
        where = str(widget.get("id"))
        sends = script_sends(widget)
        if _is_sender(widget) or any(target is None for _, target, _, _ in sends):
            ports.update(int(t.rsplit(":", 1)[1]) for t in _targets(widget.get("target", ""), where))
        ports.update(int(target.rsplit(":", 1)[1]) for _, target, _, _ in sends if target is not None)
    return sorted(ports)


# ---------------------------------------------------------------------------------------------
# following the bridge


def _script_sets(widget: Widget, prop: str) -> list[tuple[str, str]]:
    """(widget id, value expression) of every set(..., {send: false}) in one script of ``widget``."""
    code = widget.get(prop, "")
    return [(m.group("id"), m.group("value")) for m in _SET.finditer(code)]


def followers(path: Path) -> list[Follower]:
    """Controls a feedback script moves with set(..., {send: false}) (which sends nothing back): from
    the /sidl/state reply (source ``state:<key>``, the key read as ``s.<key>``) and from per-bar
    feedback (source ``<address>#<argument>``, read as ``value[<argument>]``)."""
    widgets = list(walk(load(path)))
    by_id = {w["id"]: w for w in widgets}
    found = []
    for widget in widgets:
        address = widget.get("address", "auto")
        if widget.get("type") not in SILENT or address == "auto":
            continue
        for target, value in _script_sets(widget, "onValue"):
            control = by_id.get(target)
            if control is None or not _is_sender(control):
                continue
            if address == "/sidl/state":
                key = re.search(r"\bs\.(\w+)", value)
                source = f"state:{key.group(1)}" if key else None
            else:
                index = re.fullmatch(r"value\[(\d+)\]", value.strip())
                source = f"{address}#{index.group(1)}" if index else None
            if source is not None:
                found.append(Follower(source, address_of(control), f"{widget['id']}.onValue → {target}"))
    return found


def query_triggers(path: Path) -> set[str]:
    """When the session sends /sidl/query: "open" (the root's onCreate), "reconnect" (a widget that
    registers for feedback again and then queries)."""
    found = set()
    for widget in walk(load(path)):
        queries = [prop for prop, _, address, _ in script_sends(widget) if address == "/sidl/query"]
        if not queries:
            continue
        if widget.get("type") == "root" and "onCreate" in queries:
            found.add("open")
        registers = address_of(widget) == "/sidl/register" or any(
            address == "/sidl/register" for _, _, address, _ in script_sends(widget))
        if widget.get("type") != "root" and registers:
            found.add("reconnect")
    return found


def per_bar_prints(path: Path) -> list[str]:
    """Scripts that write to the console (console.log) on feedback."""
    return [f"{w['id']}.{prop}" for w in walk(load(path)) for prop in SCRIPT_PROPS
            if "console." in w.get(prop, "")]


def choice_labels(path: Path) -> dict[str, list[str]]:
    """What each switch shows per choice, by the address it sends."""
    out: dict[str, list[str]] = {}
    for widget in walk(load(path)):
        if widget.get("type") == "switch" and _is_sender(widget):
            values = widget.get("values")
            labels = values["labels"] if isinstance(values, dict) and "labels" in values else switch_values(widget)
            out[address_of(widget)] = [str(label) for label in labels]
    return out


def echoes(path: Path) -> list[str]:
    """Feedback receivers (widgets with a feedback address) whose scripts send OSC."""
    return [f"{w['id']}.{prop}" for w in walk(load(path)) if w.get("type") in SILENT
            and w.get("address", "auto") != "auto" for prop, _, _, _ in script_sends(w)]
