"""Building blocks shared by the Max panel and the Max for Live device: the network (udpsend,
register, query, reconnect), choice menus, value sends, scene slots, the paged atom grids, gain, the
model path, the feedback displays, and what makes the controls follow the bridge (the reply to
``/sidl/query`` and the per-bar tempo). Each wires boxes into a :class:`maxpat.Patcher` following the
OSC conventions ``tests/clients/extract_max.py`` reads back.

A control that follows the bridge is moved with ``set`` messages (``prepend set``, ``set 2``), which
change what it shows without output, so following the bridge never sends anything back to it. The
grids are the exception (a ``matrixctrl`` is redrawn with cell lists, which it puts out): their
output passes a ``gate`` that is closed while they are redrawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from maxpat import Patcher, Rect

HOST = "127.0.0.1"
DAEMON_PORT = 9000  # bridge/live/osc_table.py DEFAULT_PORT
MAX_ATOMS = 4096  # the table's atom numbers: 0..4095
ZL = f"@zlmaxsize {MAX_ATOMS}"  # zl keeps 256 items unless told (an activity vector has 1,024)
ERROR_COLOUR = "1. 0.23 0.19 1."  # the lamp once an error came
DARK = [0.2, 0.2, 0.2, 1.0]  # the lamp until then


@dataclass
class Grid:
    """A paged atom grid: ``columns`` × ``rows`` cells showing atoms page × cells … page × cells + cells − 1."""

    columns: int
    rows: int

    @property
    def cells(self) -> int:
        return self.columns * self.rows

    @property
    def pages(self) -> int:
        return MAX_ATOMS // self.cells


@dataclass
class Follow:
    """Where the bridge's state goes: per state key (bridge/live/daemon.py state()), the control it moves.

    ``choices``: key → (control, the values in the control's order), moved with ``set <index>``;
    ``values``: key → controls moved with ``set <value>``; ``model``: the model choice (control,
    names) and the text fields that show the model's name; ``grids``: key ("mute", "solo") → the
    grid's (``zl reg``, redraw trigger) from :func:`grid_follow`."""

    choices: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    values: dict[str, list[str]] = field(default_factory=dict)
    model: tuple[str, tuple[str, ...]] | None = None
    model_name: list[str] = field(default_factory=list)
    grids: dict[str, tuple[str, str]] = field(default_factory=dict)


def network(p: Patcher, feedback_port: int, x: float, y: float, starts: list[str]) -> tuple[str, str]:
    """udpsend to the daemon; each of ``starts`` (bang sources: load, reconnect) registers for feedback
    and then asks for the whole state. Returns (udpsend, the query message box, for other triggers)."""
    send = p.obj(f"udpsend {HOST} {DAEMON_PORT}", x, y + 90)
    order = p.obj("t b b", x, y)
    register = p.msg(f"/sidl/register {feedback_port}", x + 100, y + 45)
    query = p.msg("/sidl/query", x, y + 45)
    for start in starts:
        p.connect(start, 0, order)
    p.connect(order, 1, register)  # right to left: register first, then ask for the whole state
    p.connect(order, 0, query)
    p.connect(register, 0, send)
    p.connect(query, 0, send)
    return send, query


def choice_messages(p: Patcher, send: str, address: str, values: tuple[str, ...], x: float, y: float,
                    selector: str) -> None:
    """``selector`` (a umenu or live.tab: it puts out the chosen index) → ``sel 0 1 …`` → one message box
    per value (``/sidl/mode loop`` …) → udpsend."""
    choose = p.obj("sel " + " ".join(str(i) for i in range(len(values))), x, y)
    p.connect(selector, 0, choose)
    offset = 0.0
    for i, value in enumerate(values):
        text = f"{address} {value}"
        box = p.msg(text, x + offset, y + 35)
        offset += 7 * len(text) + 16
        p.connect(choose, i, box)
        p.connect(box, 0, send)


def menu(p: Patcher, values: tuple[str, ...], rect: Rect, pres: Rect) -> str:
    """A umenu listing ``values`` by name (plain Max: no Live parameter)."""
    items: list[str] = []
    for value in values:
        items += [value, ","]
    return p.ui("umenu", rect, pres, items=items[:-1], parameter_enable=0)


def value_send(p: Patcher, send: str, widget: str, address: str, x: float, y: float) -> str:
    """``widget`` → ``address $1`` → udpsend."""
    box = p.msg(f"{address} $1", x, y)
    p.connect(widget, 0, box)
    p.connect(box, 0, send)
    return box


def slot_actions(p: Patcher, send: str, slot: str, triggers: dict[str, str], x: float, y: float) -> None:
    """Each trigger (a bang source) sends its scene address with the slot held in an ``i``."""
    for j, (action, trigger) in enumerate(triggers.items()):
        hold = p.obj("i", x + 170 * j, y)
        p.connect(slot, 0, hold, 1)  # the slot only arms the action; the trigger sends it
        p.connect(trigger, 0, hold, 0)
        value_send(p, send, hold, f"/sidl/scene/{action}", x + 170 * j, y + 35)


def atom_pages(p: Patcher, page: str, grid: Grid, query: str, x: float, y: float) -> str:
    """The page selector: its first atom (page × cells) comes out of the returned box; a new page also
    asks for the state, whose reply redraws the grids from the bridge's mutes and solos."""
    order = p.obj("t b i", x, y)
    first = p.obj(f"* {grid.cells}", x + 60, y + 35)
    p.connect(page, 0, order)
    p.connect(order, 1, first)
    p.connect(order, 0, query)
    return first


def atom_grid(p: Patcher, send: str, grid_box: str, grid: Grid, action: str, first: str, x: float,
              y: float) -> str:
    """matrixctrl cell (column row state) → gate → ``prepend /sidl/atom/<action>`` with
    atom = page's first atom + row × columns + column. Returns the gate (closed while redrawing)."""
    gate = p.obj("gate 1 1", x, y)
    cell = p.obj("unpack i i i", x, y + 35)
    row = p.obj(f"* {grid.columns}", x + 60, y + 70)
    in_page = p.obj("+", x, y + 105)
    atom = p.obj("+", x, y + 140)
    pair = p.obj("pack i i", x, y + 175)
    out = p.obj(f"prepend /sidl/atom/{action}", x, y + 210)
    p.connect(grid_box, 0, gate, 1)
    p.connect(gate, 0, cell)
    p.connect(cell, 2, pair, 1)  # unpack fires right to left: state, then row, then column (hot)
    p.connect(cell, 1, row)
    p.connect(row, 0, in_page, 1)
    p.connect(cell, 0, in_page, 0)
    p.connect(first, 0, atom, 1)
    p.connect(in_page, 0, atom, 0)
    p.connect(atom, 0, pair, 0)
    p.connect(pair, 0, out)
    p.connect(out, 0, send)
    return gate


def grid_follow(p: Patcher, grid_box: str, gate: str, grid: Grid, first: str, x: float, y: float) -> tuple[str, str]:
    """Redraws a grid from a list of atoms: returns (the ``zl reg`` that keeps the list: right inlet,
    the redraw trigger: a bang). The redraw closes the grid's gate, clears it, sets the cell of every
    atom of the shown page, and opens the gate again."""
    keep = p.obj(f"zl reg {ZL}", x, y)
    redraw = p.obj("t b b b b", x + 180, y)
    close, clear, open_ = p.msg("0", x + 310, y + 35), p.msg("clear", x + 250, y + 35), p.msg("1", x + 200, y + 35)
    p.connect(redraw, 3, close)
    p.connect(close, 0, gate)
    p.connect(redraw, 2, clear)
    p.connect(clear, 0, grid_box)
    p.connect(redraw, 1, keep)
    p.connect(redraw, 0, open_)
    p.connect(open_, 0, gate)
    each = p.obj(f"zl iter 1 {ZL}", x, y + 35)
    offset = p.obj("-", x, y + 70)
    shown = p.obj(f"split 0 {grid.cells - 1}", x, y + 105)
    place = p.obj("t i i", x, y + 140)
    column, row = p.obj(f"% {grid.columns}", x, y + 175), p.obj(f"/ {grid.columns}", x + 60, y + 175)
    cell = p.obj("pack i i 1", x, y + 210)
    p.connect(keep, 0, each)
    p.connect(each, 0, offset)
    p.connect(first, 0, offset, 1)
    p.connect(offset, 0, shown)
    p.connect(shown, 0, place)
    p.connect(place, 1, row)  # right to left: the row (cold) before the column (hot)
    p.connect(row, 0, cell, 1)
    p.connect(place, 0, column)
    p.connect(column, 0, cell, 0)
    p.connect(cell, 0, grid_box)
    return keep, redraw


def atom_gain(p: Patcher, send: str, atom: str, gain: str, x: float, y: float) -> None:
    """atom number + gain → ``pack i f`` → ``prepend /sidl/atom/gain``; moving the gain sends too."""
    bang_then_gain = p.obj("t b f", x + 80, y)
    pair = p.obj("pack i f", x, y + 35)
    out = p.obj("prepend /sidl/atom/gain", x, y + 70)
    p.connect(atom, 0, pair, 0)
    p.connect(gain, 0, bang_then_gain)
    p.connect(bang_then_gain, 1, pair, 1)
    p.connect(bang_then_gain, 0, pair, 0)
    p.connect(pair, 0, out)
    p.connect(out, 0, send)


def model_path(p: Patcher, send: str, editor: str, x: float, y: float) -> None:
    """textedit (on Return) → route text → tosymbol (one symbol, spaces kept) → /sidl/model.

    Both route outlets go on, so the path arrives whether textedit prefixes its output with ``text`` or not.
    """
    strip = p.obj("route text", x, y)
    symbol = p.obj("tosymbol", x, y + 35)
    out = p.obj("prepend /sidl/model", x, y + 70)
    p.connect(editor, 0, strip)
    p.connect(strip, 0, symbol)
    p.connect(strip, 1, symbol)
    p.connect(symbol, 0, out)
    p.connect(out, 0, send)


def _set_choice(p: Patcher, source: tuple[str, int], control: str, values: tuple[str, ...], x: float, y: float) -> None:
    """A name (``generate``) → ``set <its index>`` → the menu or tab ``control``."""
    pick = p.obj("sel " + " ".join(values), x, y)
    p.connect(source[0], source[1], pick)
    for i in range(len(values)):
        box = p.msg(f"set {i}", x + 50 * i, y + 35)
        p.connect(pick, i, box)
        p.connect(box, 0, control)


def _set_value(p: Patcher, source: tuple[str, int], controls: list[str], x: float, y: float) -> None:
    """A value → ``prepend set`` → each control (no output)."""
    setter = p.obj("prepend set", x, y)
    p.connect(source[0], source[1], setter)
    for control in controls:
        p.connect(setter, 0, control)


def state_follow(p: Patcher, reply: tuple[str, int], follow: Follow, x: float, y: float) -> None:
    """The reply to /sidl/query (one JSON symbol) → the controls: tosymbol → dict.deserialize →
    dict.unpack with one outlet per key; mutes and solos are kept for the grids, which are redrawn
    once every key has been read."""
    keys = list(follow.choices) + list(follow.values) + ["model"] + list(follow.grids)
    text = p.obj("tosymbol", x, y)
    parse = p.obj("dict.deserialize", x, y + 35)
    order = p.obj("t b a b", x, y + 70)  # right to left: forget the old atoms, read, redraw the grids
    unpack = p.obj("dict.unpack " + " ".join(f"{key}:" for key in keys), x, y + 105)
    p.connect(reply[0], reply[1], text)
    p.connect(text, 0, parse)
    p.connect(parse, 0, order)
    p.connect(order, 1, unpack)
    forget = p.msg("zlclear", x + 400, y + 70)  # a key that is absent or empty leaves no old atoms behind
    p.connect(order, 2, forget)
    column = 0
    for key, (control, values) in follow.choices.items():
        _set_choice(p, (unpack, keys.index(key)), control, values, x + 230 * column, y + 150)
        column += 1
    for key, controls in follow.values.items():
        _set_value(p, (unpack, keys.index(key)), controls, x + 230 * column, y + 150)
        column += 1
    # the model is a dictionary whose "model" is the name (a path-loaded model has its own name)
    name = p.obj("dict.unpack model:", x + 230 * column, y + 150)
    p.connect(unpack, keys.index("model"), name)
    _set_value(p, (name, 0), follow.model_name, x + 230 * column, y + 185)
    if follow.model is not None:
        _set_choice(p, (name, 0), follow.model[0], follow.model[1], x + 230 * column + 100, y + 220)
    for key, (keep, redraw) in follow.grids.items():
        p.connect(unpack, keys.index(key), keep, 1)
        p.connect(forget, 0, keep)
        p.connect(order, 0, redraw)


def error_lamp(p: Patcher, route: tuple[str, int], lamp: Rect, text: Rect, x: float, y: float) -> tuple[str, str]:
    """/sidl/error → a panel that is dark until the first error, then red; the text in a comment."""
    panel = p.ui("panel", [x, y + 70, 20, 20], lamp, bgfillcolor=DARK, mode=0, rounded=10)
    colour = p.msg(f"bgfillcolor {ERROR_COLOUR}", x, y + 35)
    order = p.obj("t b a", x, y)
    setter = p.obj("prepend set", x + 230, y + 35)
    shown = p.comment("no errors", x + 230, y + 70, text[2], 1, text)
    p.connect(route[0], route[1], order)
    p.connect(order, 0, colour)
    p.connect(colour, 0, panel)
    p.connect(order, 1, setter)
    p.connect(setter, 0, shown)
    return panel, shown


def top_atoms(p: Patcher, activity: tuple[str, int], count: int, numbers: Rect, levels: Rect, x: float,
              y: float) -> None:
    """The ``count`` most active atoms of the bar: ``zl sort -1`` puts out the positions of the sorted
    values (right outlet, first) and the values (left); the first ``count`` of each are shown: the
    atom numbers as text, their activity as bars in the same order."""
    sort = p.obj(f"zl sort -1 {ZL}", x, y)
    atoms, values = p.obj(f"zl slice {count} {ZL}", x + 220, y + 35), p.obj(f"zl slice {count} {ZL}", x, y + 35)
    setter = p.obj("prepend set", x + 220, y + 70)
    shown = p.msg("", x + 220, y + 105, numbers, 200)
    bars = p.ui("multislider", [x, y + 105, 140, 40], levels, size=count, setminmax=[0.0, 1.0], setstyle=1,
                ignoreclick=1)
    p.connect(activity[0], activity[1], sort)
    p.connect(sort, 1, atoms)
    p.connect(sort, 0, values)
    p.connect(atoms, 0, setter)
    p.connect(setter, 0, shown)
    p.connect(values, 0, bars)


def feedback(p: Patcher, port: int, x: float, y: float, displays: dict[str, Rect], follow: Follow,
             top: int) -> None:
    """udpreceive → route /sidl/... → bar/step, the most active atoms, stats, tempo and its clock (which
    also move the tempo control and the clock choice), the error lamp, and the state reply."""
    receive = p.obj(f"udpreceive {port}", x, y)
    route = p.obj("route /sidl/bar /sidl/activity /sidl/stats /sidl/tempo/now /sidl/error /sidl/state", x, y + 35)
    p.connect(receive, 0, route)
    # bar step
    bar = p.obj("unpack i i", x, y + 80)
    p.connect(route, 0, bar)
    bar_box = p.ui("number", [x, y + 115, 60, 22], displays["bar"], ignoreclick=1)
    step_box = p.ui("number", [x + 65, y + 115, 50, 22], displays["step"], ignoreclick=1)
    p.connect(bar, 0, bar_box)
    p.connect(bar, 1, step_box)
    top_atoms(p, (route, 1), top, displays["top"], displays["levels"], x, y + 180)
    # stats: process_us late_events
    stats = p.obj("unpack f i", x + 450, y + 80)
    process = p.ui("flonum", [x + 450, y + 115, 70, 22], displays["process"], ignoreclick=1, format=6)
    late = p.ui("number", [x + 525, y + 115, 60, 22], displays["late"], ignoreclick=1)
    p.connect(route, 2, stats)
    p.connect(stats, 0, process)
    p.connect(stats, 1, late)
    # tempo/now: bpm source, shown, and moving the tempo control and the clock choice
    tempo = p.obj("unpack f s", x + 600, y + 80)
    bpm = p.ui("flonum", [x + 600, y + 115, 70, 22], displays["bpm"], ignoreclick=1, format=6)
    source_set = p.obj("prepend set", x + 680, y + 115)
    source = p.msg("", x + 680, y + 150, displays["source"], 70)
    p.connect(route, 3, tempo)
    p.connect(tempo, 0, bpm)
    p.connect(tempo, 1, source_set)
    p.connect(source_set, 0, source)
    _set_value(p, (tempo, 0), follow.values["bpm"], x + 600, y + 250)
    clock, clocks = follow.choices["clock"]
    _set_choice(p, (tempo, 1), clock, clocks, x + 700, y + 250)
    error_lamp(p, (route, 4), displays["lamp"], displays["error"], x + 450, y + 330)
    state_follow(p, (route, 5), follow, x, y + 420)
