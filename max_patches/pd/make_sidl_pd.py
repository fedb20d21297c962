"""Writes ``sidl.pd``: the Pd vanilla control panel of the sidl bridge (Pd ≥ 0.51).

Generated, so that object indices and connections stay right: ``python max_patches/pd/make_sidl_pd.py``.

The main canvas holds only what a performer touches and reads: radios, sliders, toggles and bangs
that send on ``sidl-gui-*`` names, and displays that receive on ``sidl-show-*`` names. The logic sits
in the ``[pd sidl-logic]`` subpatch: each GUI value becomes a control line on ``sidl-ctl``
(``mode filter``, ``denoise 0.5``, ``mute 3 1`` …), which ``pd -send "sidl-ctl …"`` can also drive
headless; ``sidl-ctl`` is turned into OSC for the bridge, and the bridge's feedback (bar and step,
tempo and clock, processing time, late events, errors, the per-atom activity of the last bar) into
the displays. Feedback is also printed as ``sidl-feedback: …`` (all but the long activity vector) and
sent on to ``[r sidl-feedback]`` for patches of your own.
"""

from __future__ import annotations

from pathlib import Path

# control word → OSC address components after /sidl (the daemon's table: docs/osc.md)
CONTROLS = {
    "mode": "mode", "denoise": "denoise", "feel": "feel", "morph": "morph", "store": "scene store", "recall": "scene recall",
    "select": "scene select", "mute": "atom mute", "solo": "atom solo", "gain": "atom gain",
    "reset": "atom reset", "temperature": "temperature", "seed": "seed", "tempo": "tempo", "panic": "panic",
    "register": "register", "query": "query", "model": "model", "clock": "clock", "transport": "host transport",
}
MODES = ("loop", "filter", "generate")
CLOCKS = ("internal", "midi", "link", "host")
MODELS = ("drums", "piano")
SCENES = 16
BRIDGE_PORT, FEEDBACK_PORT = 9000, 9001
ACTIVITY_SIZE = 1024  # resized from each /sidl/activity message (1,024 atoms for drums, 256 for piano)

# Pd ≥ 0.51 writes GUI colours as hex; Pd's defaults, a red for panic and errors, a tint for headings
BG, FG, LABEL, RED, HEAD = "#fcfcfc", "#000000", "#000000", "#ff5050", "#dce6f0"


class Canvas:
    """A Pd canvas being written: its objects are numbered in the order they are added."""

    def __init__(self, header: str) -> None:
        self.lines = [header]
        self.count = 0

    def add(self, kind: str, x: int, y: int, text: str) -> int:
        self.lines.append(f"#X {kind} {x} {y} {text};")
        self.count += 1
        return self.count - 1

    def obj(self, x: int, y: int, text: str) -> int:
        return self.add("obj", x, y, text)

    def msg(self, x: int, y: int, text: str) -> int:
        return self.add("msg", x, y, text.replace("$", "\\$").replace(",", " \\,"))

    def comment(self, x: int, y: int, text: str, width: int = 0) -> int:
        """A comment; ``width`` (characters) stops Pd wrapping it at 60."""
        escaped = text.replace(",", " \\,").replace(";", " \\;")
        return self.add("text", x, y, escaped + (f", f {width}" if width else ""))

    def connect(self, a: int, outlet: int, b: int, inlet: int = 0) -> None:
        self.lines.append(f"#X connect {a} {outlet} {b} {inlet};")

    def chain(self, x: int, y: int, texts: list[str], first: int | None = None) -> list[int]:
        """Objects stacked from (x, y), each feeding the next (after ``first``, if given)."""
        ids = [self.obj(x, y + 25 * i, t) for i, t in enumerate(texts)]
        for a, b in zip(([first] if first is not None else []) + ids, ids if first is not None else ids[1:]):
            self.connect(a, 0, b)
        return ids

    def subpatch(self, x: int, y: int, inner: Canvas, name: str) -> int:
        self.lines += inner.lines + [f"#X restore {x} {y} pd {name};"]
        self.count += 1
        return self.count - 1


class Panel(Canvas):
    """The main canvas: GUI objects only, wired to the logic by send and receive names."""

    def number(self, x: int, y: int, width: int, label: str, *, send: str = "-", receive: str = "-",
               low: float = 0, high: float = 0) -> int:
        # width lower upper label_position label receive send font_size (Pd ≥ 0.52 writes the last)
        return self.add("floatatom", x, y, f"{width} {low:g} {high:g} 1 {label} {receive} {send} 0")

    def symbol(self, x: int, y: int, width: int, label: str, *, send: str = "-", receive: str = "-") -> int:
        return self.add("symbolatom", x, y, f"{width} 0 0 1 {label} {receive} {send} 0")

    def hslider(self, x: int, y: int, send: str, low: float, high: float, label: str, *, log: bool = False,
                width: int = 200) -> int:
        # width height min max log init send receive label x_off y_off font fontsize bg fg label_colour value steady;
        # no init: opening the panel must not overwrite what the bridge is playing with
        return self.obj(x, y, f"hsl {width} 20 {low:g} {high:g} {int(log)} 0 {send} empty "
                              f"{label} 0 -10 0 12 {BG} {FG} {LABEL} 0 1")

    def hradio(self, x: int, y: int, send: str, cells: int, label: str, size: int = 26) -> int:
        # size new_old init number send receive label x_off y_off font fontsize bg fg label_colour value
        return self.obj(x, y, f"hradio {size} 1 0 {cells} {send} empty {label} 0 -10 0 12 {BG} {FG} {LABEL} 0")

    def toggle(self, x: int, y: int, send: str, label: str, size: int = 26) -> int:
        return self.obj(x, y, f"tgl {size} 0 {send} empty {label} 30 13 0 12 {BG} {FG} {LABEL} 0 1")

    def bang(self, x: int, y: int, send: str, label: str, *, size: int = 26, colour: str = BG,
             receive: str = "empty") -> int:
        return self.obj(x, y, f"bng {size} 250 50 0 {send} {receive} {label} {size + 4} {size // 2} 0 12 "
                              f"{colour} {FG} {LABEL}")

    def heading(self, x: int, y: int, width: int, text: str) -> int:
        """A tinted band with a title (a cnv: canvases draw behind what comes after them)."""
        return self.obj(x, y, f"cnv 15 {width} 24 empty empty {text} 6 12 0 13 {HEAD} {LABEL} 0")

    def graph(self, x: int, y: int, array: str, size: int, width: int, height: int) -> int:
        """An array drawn on the panel (graph on parent); one object of this canvas."""
        self.lines += ["#N canvas 0 50 450 250 (subpatch) 0;",
                       f"#X array {array} {size} float 10;",  # flags: polygon (2), name hidden (8), not saved
                       f"#X coords 0 1 {size} 0 {width} {height} 1 0 0;",
                       f"#X restore {x} {y} graph;"]
        self.count += 1
        return self.count - 1


def _gui(name: str) -> str:
    return f"sidl-gui-{name}"


def _show(name: str) -> str:
    return f"sidl-show-{name}"


def _panel_controls(p: Panel) -> None:
    p.comment(20, 8, "sidl - control panel for the bridge (sidl run) - OSC to udp 127.0.0.1:9000 - feedback on 9001",
              width=100)
    p.heading(20, 36, 330, "play")
    p.hradio(30, 90, _gui("mode"), len(MODES), "mode")
    p.comment(30, 118, " ".join(f"{i}={m}" for i, m in enumerate(MODES)))
    p.bang(250, 74, _gui("panic"), "PANIC", size=44, colour=RED)
    p.hslider(30, 160, _gui("denoise"), 0.0, 1.0, "denoise")
    p.number(240, 160, 5, "-", receive=_gui("denoise"))
    p.hslider(30, 197, _gui("morph"), 0.0, 1.0, "morph_to_target_scene")
    p.number(240, 197, 5, "-", receive=_gui("morph"))
    # loop mode: 0 = the dictionary alone, 1 = as played (the default the bridge starts with)
    p.hslider(30, 234, _gui("feel"), 0.0, 1.0, "feel:_dictionary_<>_player")
    p.number(240, 234, 5, "-", receive=_gui("feel"))
    p.heading(20, 262, 330, "scenes")
    p.hradio(30, 305, _gui("slot"), SCENES, "slot_0-15", size=18)
    p.bang(30, 335, _gui("store"), "store")
    p.bang(120, 335, _gui("recall"), "recall")
    p.bang(210, 335, _gui("select"), "morph_target")
    p.heading(20, 380, 330, "generate")
    p.hslider(30, 430, _gui("temperature"), 0.05, 5.0, "temperature", log=True)
    p.number(240, 430, 5, "-", receive=_gui("temperature"))
    p.number(30, 470, 10, "seed", send=_gui("seed"), low=0, high=2147483647)
    # atoms and setup in the second column
    p.heading(380, 36, 330, "atoms")
    p.number(390, 80, 5, "atom", send=_gui("atom"), low=0, high=4095)
    p.toggle(390, 110, _gui("mute"), "mute")
    p.toggle(480, 110, _gui("solo"), "solo")
    p.bang(570, 110, _gui("reset"), "reset_all")
    p.hslider(390, 170, _gui("gain"), 0.0, 4.0, "gain")
    p.number(600, 170, 5, "-", receive=_gui("gain"))
    p.heading(380, 215, 330, "setup")
    p.hradio(390, 265, _gui("clock"), len(CLOCKS), "clock")
    p.comment(390, 293, " ".join(f"{i}={c}" for i, c in enumerate(CLOCKS)))
    p.hslider(390, 340, _gui("tempo"), 20.0, 400.0, "tempo_bpm")
    p.number(600, 340, 5, "-", receive=_gui("tempo"))
    p.hradio(390, 385, _gui("model"), len(MODELS), "model")
    p.comment(390, 413, " ".join(f"{i}={m}" for i, m in enumerate(MODELS)))
    p.symbol(500, 385, 18, "or_path", send=_gui("model-path"))
    p.bang(390, 445, "sidl-reconnect", "reconnect")
    p.bang(520, 445, _gui("query"), "query_state")


def _panel_feedback(p: Panel) -> None:
    p.heading(20, 515, 690, "from_the_bridge")
    for name, label, width, x in [("bar", "bar", 6, 30), ("step", "step", 3, 130), ("bpm", "bpm", 6, 210),
                                  ("process", "process_us", 7, 420), ("late", "late", 4, 570)]:
        p.number(x, 555, width, label, receive=_show(name))
    p.symbol(310, 555, 8, "-", receive=_show("clock"))
    p.bang(650, 552, "empty", "error", colour=RED, receive=_show("error"), size=20)
    p.comment(30, 588, "activity of each atom in the last bar (normalised to the strongest)", width=90)
    p.graph(30, 615, "sidl-activity", ACTIVITY_SIZE, 680, 90)
    p.comment(20, 725, "headless: pd -nogui -open sidl.pd -send \"sidl-ctl mode filter\" - control words: "
                       + " ".join(w for w in CONTROLS if w not in ("register", "transport")), width=100)


def _logic_gui(c: Canvas, ctl: int) -> None:
    """GUI values (``r sidl-gui-*``) → control lines on ``sidl-ctl``."""
    x = 20
    for word in ("denoise", "feel", "morph", "temperature", "tempo", "seed"):
        receive = c.obj(x, 20, f"r {_gui(word)}")
        box = c.msg(x, 50, f"{word} $1")
        c.connect(receive, 0, box)
        c.connect(box, 0, ctl)
        x += 110
    for word in ("panic", "reset", "query"):
        receive = c.obj(x, 20, f"r {_gui(word)}")
        box = c.msg(x, 50, word)
        c.connect(receive, 0, box)
        c.connect(box, 0, ctl)
        x += 90
    for row, (word, choices) in enumerate([("mode", MODES), ("clock", CLOCKS), ("model", MODELS)]):
        y = 100 + 90 * row
        select = c.chain(20, y, [f"r {_gui(word)}", "sel " + " ".join(str(i) for i in range(len(choices)))])[1]
        for i, choice in enumerate(choices):
            box = c.msg(20 + 90 * i, y + 50, f"{word} {choice}")
            c.connect(select, i, box)
            c.connect(box, 0, ctl)
    path = c.obj(400, 100, f"r {_gui('model-path')}")
    path_msg = c.msg(400, 130, "model $1")
    c.connect(path, 0, path_msg)
    c.connect(path_msg, 0, ctl)
    # scenes: the slot radio is held; each bang sends its word with the slot
    slot = c.obj(400, 190, f"r {_gui('slot')}")
    for i, word in enumerate(("store", "recall", "select")):
        bang, held = c.obj(400 + 90 * i, 220, f"r {_gui(word)}"), c.obj(400 + 90 * i, 250, "f")
        box = c.msg(400 + 90 * i, 280, f"{word} $1")
        c.connect(slot, 0, held, 1)
        c.connect(bang, 0, held)
        c.connect(held, 0, box)
        c.connect(box, 0, ctl)
    # atoms: mute / solo / gain send "<word> <atom> <value>" with the atom number held
    atom = c.obj(20, 380, f"r {_gui('atom')}")
    for i, word in enumerate(("mute", "solo", "gain")):
        x = 120 + 110 * i
        receive, order = c.obj(x, 380, f"r {_gui(word)}"), c.obj(x, 410, "t b f")
        held, pack = c.obj(x, 440, "f"), c.obj(x, 470, "pack f f")
        box = c.msg(x, 500, f"{word} $1 $2")
        c.connect(receive, 0, order)
        c.connect(atom, 0, held, 1)
        c.connect(order, 1, pack, 1)
        c.connect(order, 0, held)
        c.connect(held, 0, pack)
        c.connect(pack, 0, box)
        c.connect(box, 0, ctl)


def _port(c: Canvas, x: int, y: int, load: int, again: int, default: int, receive: str) -> int:
    """The port in use: ``default`` at load, ``[r receive]`` to change it, ``again`` to re-send it."""
    value, override, held = c.msg(x, y, str(default)), c.obj(x + 50, y, f"r {receive}"), c.obj(x, y + 30, "f")
    c.connect(load, 0, value)
    c.connect(value, 0, held)
    c.connect(override, 0, held)
    c.connect(again, 0, held)
    return held


def _logic_network(c: Canvas, ctl_send: int) -> None:
    """``sidl-ctl`` → OSC → the bridge; the bridge's feedback → the panel's displays."""
    ctl = c.obj(20, 560, "r sidl-ctl")
    route = c.obj(20, 590, "route " + " ".join(CONTROLS))
    send_list, _, netsend = c.chain(20, 770, ["list prepend send", "list trim", "netsend -u -b"])
    for i, (word, address) in enumerate(CONTROLS.items()):
        to_list = c.obj(20 + 60 * (i % 10), 630 + 60 * (i // 10), "list")
        fmt = c.obj(20 + 60 * (i % 10), 655 + 60 * (i // 10), f"oscformat sidl {address}")
        c.connect(route, i, to_list)
        c.connect(to_list, 0, fmt)
        c.connect(fmt, 0, send_list)
    c.connect(ctl, 0, route)
    # ports: defaults at load, overridable headless (pd -send "sidl-connect 9123"); reconnect re-sends both
    load, again = c.obj(700, 560, "loadbang"), c.obj(800, 560, "r sidl-reconnect")
    bridge = _port(c, 700, 600, load, again, BRIDGE_PORT, "sidl-connect")
    connect = c.msg(700, 660, "disconnect, connect localhost $1")
    c.connect(bridge, 0, connect)
    c.connect(connect, 0, netsend)
    feedback = _port(c, 900, 600, load, again, FEEDBACK_PORT, "sidl-listen")
    listen, register = c.msg(900, 660, "listen $1"), c.msg(990, 660, "register $1")
    netreceive = c.obj(900, 700, "netreceive -u -b")
    c.connect(feedback, 0, listen)
    c.connect(listen, 0, netreceive)
    c.connect(feedback, 0, register)  # the bridge sends feedback only to clients that register
    c.connect(register, 0, ctl_send)
    _, _, froute = c.chain(900, 730, ["oscparse", "list trim", "route sidl"], netreceive)
    c.connect(froute, 0, c.obj(1080, 790, "s sidl-feedback"))
    printable = c.obj(900, 820, "route activity")  # everything but a thousand numbers a bar is printed
    c.connect(froute, 0, printable)
    c.connect(printable, 1, c.obj(900, 850, "print sidl-feedback"))
    _logic_displays(c, froute)


def _logic_displays(c: Canvas, froute: int) -> None:
    split = c.obj(700, 900, "route activity bar tempo stats error")
    c.connect(froute, 0, split)
    sizes, setter = c.obj(700, 930, "t l l"), c.obj(700, 990, "array set sidl-activity")
    length, resize = c.obj(790, 960, "list length"), c.obj(790, 990, "array size sidl-activity")
    c.connect(split, 0, sizes)
    c.connect(sizes, 1, length)
    c.connect(length, 0, resize)
    c.connect(sizes, 0, setter)
    bar = c.obj(900, 930, "unpack f f")
    c.connect(split, 1, bar)
    now = c.chain(1000, 930, ["route now", "unpack f s"])
    c.connect(split, 2, now[0])
    stats = c.obj(1100, 930, "unpack f f")
    c.connect(split, 3, stats)
    for x, (source, outlet, name) in enumerate([(bar, 0, "bar"), (bar, 1, "step"), (now[1], 0, "bpm"),
                                                (now[1], 1, "clock"), (stats, 0, "process"), (stats, 1, "late")]):
        c.connect(source, outlet, c.obj(900 + 100 * (x % 3), 1000 + 30 * (x // 3), f"s {_show(name)}"))
    error_bang = c.obj(1200, 960, "t b a")
    c.connect(split, 4, error_bang)
    c.connect(error_bang, 0, c.obj(1200, 990, f"s {_show('error')}"))
    c.connect(error_bang, 1, c.obj(1270, 990, "print sidl-error"))


def build() -> str:
    panel = Panel("#N canvas 40 40 740 760 12;")
    _panel_controls(panel)
    _panel_feedback(panel)
    logic = Canvas("#N canvas 80 80 1320 1080 sidl-logic 0;")
    ctl_send = logic.obj(20, 530, "s sidl-ctl")
    _logic_gui(logic, ctl_send)
    _logic_network(logic, ctl_send)
    panel.subpatch(620, 470, logic, "sidl-logic")
    return "\n".join(panel.lines) + "\n"


if __name__ == "__main__":
    out = Path(__file__).with_name("sidl.pd")
    out.write_text(build(), encoding="utf-8")
    print(f"wrote {out}")
