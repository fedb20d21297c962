"""Building blocks shared by the Max panel and the Max for Live device: the network (udpsend,
register, reconnect), choice buttons, value sends, scene slots, the atom grids, gain, the model path
and the feedback displays. Each wires boxes into a :class:`maxpat.Patcher` following the OSC
conventions ``tests/clients/extract_max.py`` reads back.
"""

from __future__ import annotations

from maxpat import Patcher, Rect

HOST = "127.0.0.1"
DAEMON_PORT = 9000  # bridge/live/osc_table.py DEFAULT_PORT
GRID = 32  # 32 x 32 cells: atom = row * 32 + column (1024 drum atoms)


def network(p: Patcher, feedback_port: int, x: float, y: float, starts: list[str]) -> str:
    """udpsend to the daemon; each of ``starts`` (bang sources) registers for feedback and asks for the state."""
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
    return send


def choice_messages(p: Patcher, send: str, address: str, values: tuple[str, ...], x: float, y: float,
                    pres: tuple[float, float] | None, selector: str | None = None) -> list[str]:
    """One message box per choice (``/sidl/mode loop`` ...); with ``selector``, a ``sel`` fed by it picks one."""
    boxes = []
    choose = None
    if selector is not None:  # a live.tab puts out the index of the chosen value
        choose = p.obj("sel " + " ".join(str(i) for i in range(len(values))), x, y)
        p.connect(selector, 0, choose)
    offset = 0.0
    for i, value in enumerate(values):
        text = f"{address} {value}"
        width = 7 * len(text) + 12
        rect = [pres[0] + offset, pres[1], width, 22] if pres else None
        box = p.msg(text, x + offset, y + 35, rect, width)
        offset += width + 4
        if choose is not None:
            p.connect(choose, i, box)
        p.connect(box, 0, send)
        boxes.append(box)
    return boxes


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


def atom_grid(p: Patcher, send: str, grid: str, action: str, x: float, y: float) -> None:
    """matrixctrl cell (column row state) → ``prepend /sidl/atom/<action>`` with atom = row*32 + column."""
    cell = p.obj("unpack i i i", x, y)
    row = p.obj(f"* {GRID}", x + 50, y + 35)
    atom = p.obj("+", x, y + 70)
    pair = p.obj("pack i i", x, y + 105)
    out = p.obj(f"prepend /sidl/atom/{action}", x, y + 140)
    p.connect(grid, 0, cell)
    p.connect(cell, 2, pair, 1)  # unpack fires right to left: state, then row, then column (hot)
    p.connect(cell, 1, row)
    p.connect(row, 0, atom, 1)
    p.connect(cell, 0, atom, 0)
    p.connect(atom, 0, pair, 0)
    p.connect(pair, 0, out)
    p.connect(out, 0, send)


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


def feedback(p: Patcher, port: int, x: float, y: float, displays: dict[str, Rect]) -> None:
    """udpreceive → route /sidl/... → displays: activity (sized from the message), bar/step, tempo, stats, error."""
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
    # activity: one float per atom; the multislider takes its size from the message length first
    split = p.obj("t l l", x + 130, y + 80)
    length = p.obj("zl len", x + 200, y + 115)
    size = p.obj("prepend size", x + 200, y + 150)
    levels = p.ui("multislider", [x + 130, y + 185, 300, 60], displays["activity"], size=GRID * GRID,
                  setminmax=[0.0, 1.0], setstyle=1, ignoreclick=1, contdata=1)
    p.connect(route, 1, split)
    p.connect(split, 1, length)
    p.connect(length, 0, size)
    p.connect(size, 0, levels)
    p.connect(split, 0, levels)
    # stats: process_us late_events
    stats = p.obj("unpack f i", x + 450, y + 80)
    process = p.ui("flonum", [x + 450, y + 115, 70, 22], displays["process"], ignoreclick=1, format=6)
    late = p.ui("number", [x + 525, y + 115, 60, 22], displays["late"], ignoreclick=1)
    p.connect(route, 2, stats)
    p.connect(stats, 0, process)
    p.connect(stats, 1, late)
    # tempo/now: bpm source
    tempo = p.obj("unpack f s", x + 600, y + 80)
    bpm = p.ui("flonum", [x + 600, y + 115, 70, 22], displays["bpm"], ignoreclick=1, format=6)
    source_set = p.obj("prepend set", x + 680, y + 115)
    source = p.msg("", x + 680, y + 150, displays["source"], 70)
    p.connect(route, 3, tempo)
    p.connect(tempo, 0, bpm)
    p.connect(tempo, 1, source_set)
    p.connect(source_set, 0, source)
    # error: shown in a message box; state: to the Max console
    error_set = p.obj("prepend set", x + 450, y + 185)
    error = p.msg("", x + 450, y + 220, displays["error"], 300)
    p.connect(route, 4, error_set)
    p.connect(error_set, 0, error)
    state = p.obj("print sidl-state", x + 760, y + 80)
    p.connect(route, 5, state)
