"""Writes ``sidl.pd``: the Pd vanilla control panel of the sidl bridge (Pd ≥ 0.52).

Generated, so that object indices and connections stay right: ``python max_patches/pd/make_sidl_pd.py``.

The main canvas holds only what a performer touches and reads: radios with a label beside each
choice, sliders, toggles and bangs that send on ``sidl-gui-*`` names and receive ``set`` messages on
``sidl-set-*`` names, and displays that receive on ``sidl-show-*`` names. The logic sits in
subpatches:

- ``[pd sidl-logic]``: each GUI value becomes a control line on ``sidl-ctl`` (``mode filter``,
  ``denoise 0.5``, ``mute 3 1`` …), which ``pd -send "sidl-ctl …"`` can also drive headless;
  ``sidl-ctl`` is turned into OSC for the bridge. At load, on *reconnect* and whenever a port is
  changed (``sidl-connect``, ``sidl-listen``) the panel registers for feedback and asks for the state
  (``/sidl/query``). The bridge's per-bar feedback (bar and step, tempo and clock, processing time,
  late events, the activity of every atom) goes to the displays, and an error lights the error lamp
  and shows its text; nothing is printed per bar.
- ``[pd sidl-state]``: the reply to ``/sidl/query`` is one JSON string. Vanilla Pd has no JSON
  parser, so the string is turned into Pd atoms (``[list fromsymbol]``, JSON punctuation replaced by
  spaces, ``[fudiparse]``) and walked token by token: each value is routed by the key before it.
  Mode, tempo, clock, model, denoise, feel, morph, temperature, seed, mutes and solos then move the
  controls with ``set`` messages, which change what a control shows without sending anything back.
- ``[pd sidl-top]``: the eight most active atoms of the last bar and their activity in percent.

Everything the bridge sends is also passed on to ``[r sidl-feedback]`` for patches of your own.
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
ATOMS = 4096  # the table's largest atom number + 1: the mute/solo arrays cover every atom a model can have
BRIDGE_PORT, FEEDBACK_PORT = 9000, 9001
ACTIVITY_SIZE = 1024  # resized from each /sidl/activity message (1,024 atoms for drums, 256 for piano)
TOP = 8  # the most active atoms listed per bar
# state keys (bridge/live/daemon.py LiveBridge.state) → what they move; "requested_mode" is the mode
# asked for (it becomes "mode" at the next bar), which is what the mode radio selects
STATE_CHOICES = {"requested_mode": ("mode", MODES), "clock": ("clock", CLOCKS)}
TABLES = {"mute": "sidl-muted", "solo": "sidl-soloed"}  # state key / toggle → its per-atom array
STATE_VALUES = ("denoise", "feel", "morph", "temperature", "bpm", "seed")
NUMBER_KEYS = ("bpm", "denoise", "feel", "morph", "temperature", "seed", "mute", "solo")
STRING_KEYS = ("requested_mode", "clock", "model")
# JSON punctuation that becomes a space before [fudiparse]: " , : [ ] { } and what FUDI would read
# as syntax (; \ $)
JSON_PUNCTUATION = (34, 44, 58, 91, 93, 123, 125, 59, 92, 36)
OPEN, CLOSE = 123, 125  # { and }: read as the words ( and ), to follow the nesting
TEXT_PUNCTUATION = (44, 59, 92, 36)  # an error's text is shown as words: only what FUDI would read as syntax

# Pd ≥ 0.51 writes GUI colours as hex; Pd's defaults, a red for panic and errors, a tint for headings,
# a dark grey for the error lamp while no error has come
BG, FG, LABEL, RED, HEAD, DARK = "#fcfcfc", "#000000", "#000000", "#ff5050", "#dce6f0", "#404040"


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

    def listbox(self, x: int, y: int, width: int, label: str, *, receive: str) -> int:
        """A list display (Pd ≥ 0.52), label on the left."""
        return self.add("listbox", x, y, f"{width} 0 0 0 {label} {receive} - 0")

    def hslider(self, x: int, y: int, send: str, receive: str, low: float, high: float, label: str, *,
                log: bool = False, width: int = 200) -> int:
        # width height min max log init send receive label x_off y_off font fontsize bg fg label_colour value steady;
        # no init: opening the panel must not overwrite what the bridge is playing with
        return self.obj(x, y, f"hsl {width} 20 {low:g} {high:g} {int(log)} 0 {send} {receive} "
                              f"{label} 0 -10 0 12 {BG} {FG} {LABEL} 0 1")

    def hradio(self, x: int, y: int, send: str, receive: str, cells: int, label: str, size: int = 26) -> int:
        # size new_old init number send receive label x_off y_off font fontsize bg fg label_colour value
        return self.obj(x, y, f"hradio {size} 1 0 {cells} {send} {receive} {label} 0 -10 0 12 {BG} {FG} {LABEL} 0")

    def choices(self, x: int, y: int, word: str, names: tuple[str, ...], size: int = 22) -> int:
        """A vertical radio with each choice's name written beside its cell."""
        radio = self.obj(x, y, f"vradio {size} 1 0 {len(names)} {_gui(word)} {_set(word)} {word} 0 -10 0 12 "
                               f"{BG} {FG} {LABEL} 0")
        for i, name in enumerate(names):
            self.comment(x + size + 6, y + size * i + 2, name)
        return radio

    def toggle(self, x: int, y: int, send: str, receive: str, label: str, size: int = 26) -> int:
        return self.obj(x, y, f"tgl {size} 0 {send} {receive} {label} 30 13 0 12 {BG} {FG} {LABEL} 0 1")

    def bang(self, x: int, y: int, send: str, label: str, *, size: int = 26, colour: str = BG,
             receive: str = "empty") -> int:
        return self.obj(x, y, f"bng {size} 250 50 0 {send} {receive} {label} {size + 4} {size // 2} 0 12 "
                              f"{colour} {FG} {LABEL}")

    def lamp(self, x: int, y: int, receive: str, label: str, size: int = 20) -> int:
        """A canvas that the logic recolours (``color`` message): dark until lit."""
        return self.obj(x, y, f"cnv {size} {size} {size} empty {receive} {label} {size + 6} {size // 2} 0 12 "
                              f"{DARK} {LABEL} 0")

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


def _set(name: str) -> str:
    return f"sidl-set-{name}"


def _show(name: str) -> str:
    return f"sidl-show-{name}"


def _state(key: str) -> str:
    return f"sidl-state-{key}"


def _panel_controls(p: Panel) -> None:
    p.comment(20, 8, "sidl - control panel for the bridge (sidl run) - OSC to udp 127.0.0.1:9000 - feedback on 9001",
              width=100)
    p.heading(20, 36, 330, "play")
    p.choices(30, 86, "mode", MODES)
    p.bang(250, 74, _gui("panic"), "PANIC", size=44, colour=RED)
    for y, word, label in [(175, "denoise", "denoise"), (212, "morph", "morph_to_target_scene"),
                           (249, "feel", "feel:_dictionary_<>_player")]:
        # loop mode's feel: 0 = the dictionary alone, 1 = as played (the default the bridge starts with)
        p.hslider(30, y, _gui(word), _set(word), 0.0, 1.0, label)
        p.number(240, y, 5, "-", receive=_show(word))
    p.heading(20, 280, 330, "scenes")
    p.hradio(30, 323, _gui("slot"), "empty", SCENES, "slot", size=18)
    for i in range(SCENES):
        p.comment(30 + 18 * i + (5 if i < 10 else 1), 343, str(i))
    p.bang(30, 365, _gui("store"), "store")
    p.bang(120, 365, _gui("recall"), "recall")
    p.bang(210, 365, _gui("select"), "morph_target")
    p.heading(20, 405, 330, "generate")
    p.hslider(30, 452, _gui("temperature"), _set("temperature"), 0.05, 5.0, "temperature", log=True)
    p.number(240, 452, 5, "-", receive=_show("temperature"))
    p.number(30, 485, 10, "seed", send=_gui("seed"), receive=_set("seed"), low=0, high=2147483647)
    # atoms and setup in the second column
    p.heading(380, 36, 330, "atoms")
    p.number(390, 80, 5, "atom", send=_gui("atom"), low=0, high=ATOMS - 1)
    p.toggle(390, 110, _gui("mute"), _set("mute"), "mute")
    p.toggle(480, 110, _gui("solo"), _set("solo"), "solo")
    p.bang(570, 110, _gui("reset"), "reset_all")
    p.hslider(390, 170, _gui("gain"), "empty", 0.0, 4.0, "gain")
    p.number(600, 170, 5, "-", receive=_gui("gain"))
    p.heading(380, 205, 330, "setup")
    p.choices(390, 250, "clock", CLOCKS)
    p.choices(520, 250, "model", MODELS)
    p.symbol(520, 305, 18, "or_path", send=_gui("model-path"), receive=_set("model-path"))
    p.hslider(390, 365, _gui("tempo"), _set("tempo"), 20.0, 400.0, "tempo_bpm")
    p.number(600, 365, 5, "-", receive=_show("tempo"))
    p.bang(390, 400, "sidl-reconnect", "reconnect")
    p.bang(520, 400, _gui("query"), "query_state")


def _panel_feedback(p: Panel) -> None:
    p.heading(20, 515, 690, "from_the_bridge")
    for name, label, width, x in [("bar", "bar", 6, 30), ("step", "step", 3, 130), ("bpm", "bpm", 6, 210),
                                  ("process", "process_us", 7, 420), ("late", "late", 4, 570)]:
        p.number(x, 555, width, label, receive=_show(name))
    p.symbol(310, 555, 8, "-", receive=_show("clock"))
    p.lamp(30, 590, _show("error-lamp"), "error")
    p.listbox(110, 590, 70, "-", receive=_show("error"))
    p.listbox(130, 625, 48, "top_atoms", receive=_show("top"))
    p.listbox(130, 650, 48, "activity_%", receive=_show("top-level"))
    p.comment(30, 680, "activity of each atom in the last bar (normalised to the strongest)", width=90)
    p.graph(30, 705, "sidl-activity", ACTIVITY_SIZE, 680, 60)
    p.comment(20, 785, "headless: pd -nogui -open sidl.pd -send \"sidl-ctl mode filter\" - control words: "
                       + " ".join(w for w in CONTROLS if w not in ("register", "transport")), width=100)


def _logic_gui(c: Canvas, ctl: int) -> None:
    """GUI values (``r sidl-gui-*``) → control lines on ``sidl-ctl``, and to the number displays."""
    x = 20
    for word in ("denoise", "feel", "morph", "temperature", "tempo", "seed"):
        receive = c.obj(x, 20, f"r {_gui(word)}")
        box = c.msg(x, 50, f"{word} $1")
        c.connect(receive, 0, box)
        c.connect(box, 0, ctl)
        if word != "seed":
            c.connect(receive, 0, c.obj(x, 75, f"s {_show(word)}"))
        x += 110
    for word in ("panic", "reset", "query"):
        receive = c.obj(x, 20, f"r {_gui(word)}")
        box = c.msg(x, 50, word)
        c.connect(receive, 0, box)
        c.connect(box, 0, ctl)
        x += 90
    for row, (word, choices) in enumerate([("mode", MODES), ("clock", CLOCKS), ("model", MODELS)]):
        y = 110 + 90 * row
        select = c.chain(20, y, [f"r {_gui(word)}", "sel " + " ".join(str(i) for i in range(len(choices)))])[1]
        for i, choice in enumerate(choices):
            box = c.msg(20 + 90 * i, y + 50, f"{word} {choice}")
            c.connect(select, i, box)
            c.connect(box, 0, ctl)
    path = c.obj(400, 110, f"r {_gui('model-path')}")
    path_msg = c.msg(400, 140, "model $1")
    c.connect(path, 0, path_msg)
    c.connect(path_msg, 0, ctl)
    # scenes: the slot radio is held; each bang sends its word with the slot
    slot = c.obj(400, 200, f"r {_gui('slot')}")
    for i, word in enumerate(("store", "recall", "select")):
        bang, held = c.obj(400 + 90 * i, 230, f"r {_gui(word)}"), c.obj(400 + 90 * i, 260, "f")
        box = c.msg(400 + 90 * i, 290, f"{word} $1")
        c.connect(slot, 0, held, 1)
        c.connect(bang, 0, held)
        c.connect(held, 0, box)
        c.connect(box, 0, ctl)
    _logic_atoms(c, ctl)


def _logic_atoms(c: Canvas, ctl: int) -> None:
    """mute / solo / gain send "<word> <atom> <value>" with the atom number held. Mutes and solos are
    also kept per atom in arrays (filled from the state, updated by the toggles), so the toggles show
    the state of the atom chosen in the atom number box."""
    for i, name in enumerate(TABLES.values()):
        c.obj(20 + 200 * i, 350, f"array define {name} {ATOMS}")
    atom = c.obj(20, 390, f"r {_gui('atom')}")
    for i, word in enumerate(("mute", "solo", "gain")):
        x = 120 + 110 * i
        receive, order = c.obj(x, 390, f"r {_gui(word)}"), c.obj(x, 420, "t b f")
        held, pack = c.obj(x, 450, "f"), c.obj(x, 480, "pack f f")
        box = c.msg(x, 510, f"{word} $1 $2")
        c.connect(receive, 0, order)
        c.connect(atom, 0, held, 1)
        c.connect(order, 1, pack, 1)
        c.connect(order, 0, held)
        c.connect(held, 0, pack)
        c.connect(pack, 0, box)
        c.connect(box, 0, ctl)
        if word in TABLES:  # remember what was toggled: value at index atom
            swap, write = c.msg(x, 540, "$2 $1"), c.obj(x, 570, "unpack f f")
            table = c.obj(x, 600, f"tabwrite {TABLES[word]}")
            c.connect(pack, 0, swap)
            c.connect(swap, 0, write)
            c.connect(write, 1, table, 1)  # unpack fires right to left: the index first
            c.connect(write, 0, table)
    # the toggles follow the chosen atom, and are refreshed when a state reply has been read
    current = c.obj(500, 390, "f")
    c.connect(atom, 0, current)
    c.connect(c.obj(560, 360, f"r {_state('done')}"), 0, current)
    for i, (word, array) in enumerate(TABLES.items()):
        read = c.obj(500 + 110 * i, 420, f"tabread {array}")
        show = c.msg(500 + 110 * i, 450, "set $1")
        c.connect(current, 0, read)
        c.connect(read, 0, show)
        c.connect(show, 0, c.obj(500 + 110 * i, 480, f"s {_set(word)}"))


def _logic_network(c: Canvas, ctl_send: int) -> None:
    """``sidl-ctl`` → OSC → the bridge; the bridge's feedback → the panel's displays.

    At load and on *reconnect*: connect to the bridge, then listen, register and ask for the state.
    A new bridge port (``sidl-connect``) reconnects and registers again; a new feedback port
    (``sidl-listen``) listens and registers again. Every registration is followed by ``query``."""
    ctl = c.obj(20, 660, "r sidl-ctl")
    route = c.obj(20, 690, "route " + " ".join(CONTROLS))
    send_list, _, netsend = c.chain(20, 870, ["list prepend send", "list trim", "netsend -u -b"])
    for i, (word, address) in enumerate(CONTROLS.items()):
        to_list = c.obj(20 + 60 * (i % 10), 730 + 60 * (i // 10), "list")
        fmt = c.obj(20 + 60 * (i % 10), 755 + 60 * (i // 10), f"oscformat sidl {address}")
        c.connect(route, i, to_list)
        c.connect(to_list, 0, fmt)
        c.connect(fmt, 0, send_list)
    c.connect(ctl, 0, route)
    # at load: the feedback port's default first (stored), then the bridge's port, which connects and
    # then registers; [r sidl-connect] changes the bridge's port (pd -send "sidl-connect 9123")
    load, again = c.obj(700, 600, "loadbang"), c.obj(800, 660, "r sidl-reconnect")
    init = c.obj(700, 630, "t b b")
    c.connect(load, 0, init)
    bridge_default, bridge_port = c.msg(700, 660, str(BRIDGE_PORT)), c.obj(760, 690, "r sidl-connect")
    bridge_held = c.obj(700, 720, "f")
    c.connect(init, 0, bridge_default)
    c.connect(bridge_default, 0, bridge_held)
    c.connect(bridge_port, 0, bridge_held)
    c.connect(again, 0, bridge_held)
    connect_then_register = c.obj(700, 750, "t b f")
    connect = c.msg(700, 780, "disconnect, connect localhost $1")
    c.connect(bridge_held, 0, connect_then_register)
    c.connect(connect_then_register, 1, connect)
    c.connect(connect, 0, netsend)
    # the feedback port: listen there, register it with the bridge, then ask for the state;
    # [r sidl-listen] changes it
    feedback_default, feedback_port = c.msg(900, 660, str(FEEDBACK_PORT)), c.obj(960, 660, "r sidl-listen")
    feedback_held = c.obj(900, 690, "f")
    c.connect(init, 1, feedback_default)
    c.connect(feedback_default, 0, feedback_held, 1)
    c.connect(feedback_port, 0, feedback_held)
    c.connect(connect_then_register, 0, feedback_held)  # a (re)connected bridge needs the registration
    order = c.obj(900, 720, "t b f f")
    listen, register, query = c.msg(900, 750, "listen $1"), c.msg(990, 750, "register $1"), c.msg(1090, 750, "query")
    netreceive = c.obj(900, 790, "netreceive -u -b")
    c.connect(feedback_held, 0, order)
    c.connect(order, 2, listen)
    c.connect(listen, 0, netreceive)
    c.connect(order, 1, register)  # the bridge sends feedback only to clients that register
    c.connect(register, 0, ctl_send)
    c.connect(order, 0, query)  # and answers the query on the registered port
    c.connect(query, 0, ctl_send)
    _, _, froute = c.chain(900, 820, ["oscparse", "list trim", "route sidl"], netreceive)
    c.connect(froute, 0, c.obj(1080, 880, "s sidl-feedback"))
    _logic_displays(c, froute)


def _logic_displays(c: Canvas, froute: int) -> None:
    split = c.obj(700, 940, "route activity bar tempo stats error state")
    c.connect(froute, 0, split)
    sizes, setter = c.obj(700, 970, "t l l"), c.obj(700, 1030, "array set sidl-activity")
    length, resize = c.obj(790, 1000, "list length"), c.obj(790, 1030, "array size sidl-activity")
    c.connect(split, 0, sizes)
    c.connect(sizes, 1, length)
    c.connect(length, 0, resize)
    c.connect(sizes, 0, setter)
    c.connect(split, 0, c.obj(600, 970, "s sidl-top-in"))
    bar = c.obj(900, 970, "unpack f f")
    c.connect(split, 1, bar)
    now = c.chain(1000, 970, ["route now", "unpack f s"])
    c.connect(split, 2, now[0])
    stats = c.obj(1100, 970, "unpack f f")
    c.connect(split, 3, stats)
    for x, (source, outlet, name) in enumerate([(bar, 0, "bar"), (bar, 1, "step"), (now[1], 0, "bpm"),
                                                (now[1], 1, "clock"), (stats, 0, "process"), (stats, 1, "late")]):
        c.connect(source, outlet, c.obj(900 + 100 * (x % 3), 1040 + 30 * (x // 3), f"s {_show(name)}"))
    # the tempo in use and its clock also move the tempo slider and the clock radio, every bar
    c.connect(now[1], 0, c.obj(1000, 1100, f"s {_state('bpm')}"))
    c.connect(now[1], 1, c.obj(1100, 1100, f"s {_state('clock')}"))
    # an error: the lamp turns red and stays so, the text is shown (and printed: errors are rare)
    error = c.chain(1200, 970, ["symbol", "t b s"], None)
    c.connect(split, 4, error[0])
    lamp = c.msg(1200, 1030, f"color {RED} {RED} {LABEL}")
    c.connect(error[1], 0, lamp)
    c.connect(lamp, 0, c.obj(1200, 1060, f"s {_show('error-lamp')}"))
    _, words, _ = _words(c, 1300, 1100, error[1], 1, TEXT_PUNCTUATION)
    c.connect(words, 0, c.obj(1300, 1560, f"s {_show('error')}"))
    c.connect(words, 0, c.chain(1400, 1560, ["list trim", "print sidl-error"])[0])
    # the state reply: a JSON string, read in [pd sidl-state]
    state = c.obj(1300, 940, "symbol")
    c.connect(split, 5, state)
    c.connect(state, 0, c.obj(1300, 970, "s sidl-state-json"))


def _drip(c: Canvas, x: int, y: int, source: int, outlet: int) -> int:
    """Each element of the list from ``source``'s ``outlet``, one by one: returns the box putting them out.

    [list store] keeps the list; [until] asks for element 0, 1, … with ``get i 1``."""
    split, store = c.obj(x, y, "t l l"), c.obj(x, y + 120, "list store")
    length, loop = c.obj(x + 120, y + 30, "list length"), c.obj(x + 120, y + 60, "until")
    counter, step = c.obj(x + 120, y + 90, "f"), c.obj(x + 170, y + 90, "+ 1")
    zero, get = c.msg(x + 230, y + 30, "0"), c.msg(x + 120, y + 120, "get $1 1")
    c.connect(source, outlet, split)
    c.connect(split, 1, store, 1)  # right to left: keep the list, then count through it
    c.connect(split, 1, zero)
    c.connect(zero, 0, counter, 1)
    c.connect(split, 0, length)
    c.connect(length, 0, loop)
    c.connect(loop, 0, counter)
    c.connect(counter, 0, step)
    c.connect(step, 0, counter, 1)
    c.connect(counter, 0, get)
    c.connect(get, 0, store)
    return store


def _words(c: Canvas, x: int, y: int, source: int, outlet: int, codes: tuple[int, ...],
           nesting: bool = False) -> tuple[int, int, int]:
    """The symbol from ``source``'s ``outlet`` as Pd atoms: [list fromsymbol], the characters ``codes``
    made spaces, [fudiparse]. With ``nesting``, ``{`` and ``}`` become the words ``(`` and ``)``, so
    the reader can tell a nested object's keys from the outer ones. Returns (the [t b l b] whose right
    outlet fires first, before anything is read; the [list append] putting out the atoms as one list;
    the [t b b] whose left outlet fires last)."""
    chars = c.obj(x, y, "list fromsymbol")
    phases = c.obj(x, y + 30, "t b l b")  # right to left: reset, read every character, then parse
    c.connect(source, outlet, chars)
    c.connect(chars, 0, phases)
    bytes_ = c.obj(x, y + 350, "list store")  # the characters, punctuation made spaces
    c.connect(phases, 2, bytes_, 1)  # a bang clears the stored list
    char = _drip(c, x, y + 70, phases, 1)
    groups = [(OPEN, "append 32 40 32"), (CLOSE, "append 32 41 32")] if nesting else []
    spaced = tuple(code for code in codes if code not in dict(groups))
    punctuation = c.obj(x, y + 230, "sel " + " ".join(str(code) for code, _ in groups)
                        + (" " if groups else "") + " ".join(str(code) for code in spaced))
    space, append = c.msg(x, y + 260, "32"), c.msg(x + 130, y + 290, "append $1")
    c.connect(char, 0, punctuation)
    for i, (_, text) in enumerate(groups):
        word = c.msg(x + 200 + 130 * i, y + 260, text)
        c.connect(punctuation, i, word)
        c.connect(word, 0, bytes_)
    for i in range(len(spaced)):
        c.connect(punctuation, len(groups) + i, space)
    c.connect(punctuation, len(groups) + len(spaced), append)
    c.connect(space, 0, append)
    c.connect(append, 0, bytes_)
    flush = c.obj(x, y + 380, "t b b")
    c.connect(phases, 0, flush)
    c.connect(flush, 1, bytes_)
    atoms = c.chain(x, y + 410, ["fudiparse", "list append"])
    c.connect(bytes_, 0, atoms[0])
    return phases, atoms[1], flush


def _state_parser(c: Canvas) -> None:
    """``sidl-state-json`` (the /sidl/state string) → ``sidl-state-<key>`` per value, then ``sidl-state-done``.

    Only the outer object's keys count (depth 1: ``atom_edits`` has keys named ``mute`` and ``solo``
    too), and inside the ``model`` object (depth 2) only its ``model``: the model's name."""
    start = c.obj(20, 20, "r sidl-state-json")
    phases, atoms, flush = _words(c, 20, 50, start, 0, JSON_PUNCTUATION, nesting=True)
    for i, name in enumerate(TABLES.values()):
        clear = c.msg(400 + 120 * i, 110, "const 0")
        c.connect(phases, 2, clear)
        c.connect(clear, 0, c.obj(400 + 120 * i, 140, f"s {name}"))
    token = _drip(c, 20, 520, atoms, 0)
    c.connect(flush, 0, c.obj(300, 430, f"s {_state('done')}"))
    # the depth: ( opens an object, ) closes one; [spigot]s let values through at depth 1 (outer
    # keys) and inside the model object
    kind = c.obj(20, 680, "route float")
    as_symbol, brackets = c.obj(220, 680, "symbol"), c.obj(220, 710, "sel ( )")
    # the depth is one [value]: bang reads it, a number sets it
    opening, closing = c.obj(450, 740, "v sidl-state-depth"), c.obj(600, 740, "v sidl-state-depth")
    up, down = c.obj(450, 770, "+ 1"), c.obj(600, 770, "- 1")
    new_depth, outer = c.obj(450, 800, "t b f f"), c.obj(600, 830, "== 1")
    back, in_model, key = c.obj(600, 800, "t f f"), c.obj(450, 830, "sel 2"), c.obj(400, 860, "symbol")
    is_model, yes, no = c.obj(400, 890, "sel model"), c.msg(400, 920, "1"), c.msg(470, 920, "0")
    outer_gate, model_gate = c.obj(20, 770, "spigot"), c.obj(220, 800, "spigot")
    zero = c.msg(650, 710, "0")
    c.connect(token, 0, kind)
    c.connect(kind, 1, as_symbol)
    c.connect(as_symbol, 0, brackets)
    c.connect(brackets, 0, opening)  # "(" opens an object: one deeper
    c.connect(opening, 0, up)
    c.connect(up, 0, new_depth)
    c.connect(new_depth, 2, opening)
    c.connect(brackets, 1, closing)  # ")" closes one: back out, and never inside the model object
    c.connect(closing, 0, down)
    c.connect(down, 0, back)
    c.connect(back, 1, closing)
    c.connect(back, 0, outer)
    c.connect(back, 0, no)
    c.connect(new_depth, 2, outer)
    c.connect(new_depth, 1, in_model)
    c.connect(outer, 0, outer_gate, 1)
    c.connect(in_model, 0, key)  # an object opened at depth 2: is it the model's?
    c.connect(key, 0, is_model)
    c.connect(is_model, 0, yes)
    c.connect(is_model, 1, no)
    c.connect(in_model, 1, no)
    c.connect(yes, 0, model_gate, 1)
    c.connect(no, 0, model_gate, 1)
    c.connect(phases, 2, zero)  # reset: depth 0, both gates shut
    c.connect(zero, 0, opening)
    c.connect(zero, 0, outer_gate, 1)
    c.connect(zero, 0, model_gate, 1)
    # each value is paired with the key before it: numbers with the keys of numbers, symbols with the
    # keys of strings (so a key is never taken for the value of the key before it); a symbol then
    # becomes the key
    words = c.obj(220, 740, "t s s s")
    c.connect(brackets, 2, words)
    none = c.msg(650, 680, "symbol none")
    c.connect(phases, 2, none)
    c.connect(new_depth, 0, none)  # an object's first word is a key, not the value of the key before it
    c.connect(kind, 0, outer_gate)
    outer_words = c.obj(120, 770, "spigot")
    c.connect(outer, 0, outer_words, 1)
    c.connect(zero, 0, outer_words, 1)
    c.connect(words, 2, outer_words)
    c.connect(words, 1, model_gate)
    c.connect(words, 0, key, 1)
    c.connect(none, 0, key, 1)
    for i, (source, keys) in enumerate([(outer_gate, NUMBER_KEYS), (outer_words, STRING_KEYS), (model_gate, ("model",))]):
        x = 20 + 250 * i
        pair, trim = c.obj(x, 960, "list prepend"), c.obj(x, 990, "list trim")
        route = c.obj(x, 1020, "route " + " ".join(keys))
        c.connect(source, 0, pair)
        c.connect(words, 0, pair, 1)
        c.connect(none, 0, pair, 1)
        c.connect(pair, 0, trim)
        c.connect(trim, 0, route)
        for j, name in enumerate(keys):
            if name == "model" and i == 1:
                continue  # the outer "model" is an object: its name comes from inside it
            c.connect(route, j, c.obj(x + 110 * (j % 2), 1060 + 30 * (j // 2), f"s {_state(name)}"))


def _state_followers(c: Canvas) -> None:
    """``sidl-state-<key>`` → ``set`` messages to the panel (no output: the bridge gets nothing back)."""
    x = 20
    for key, (word, names) in STATE_CHOICES.items():
        chain = c.chain(x, 1000, [f"r {_state(key)}", "symbol", "sel " + " ".join(names)])
        out = c.obj(x, 1110, f"s {_set(word)}")
        for i in range(len(names)):
            box = c.msg(x + 60 * i, 1080, f"set {i}")
            c.connect(chain[2], i, box)
            c.connect(box, 0, out)
        x += 260
    model = c.chain(x, 1000, [f"r {_state('model')}", "symbol", "t s s"])
    path = c.msg(x, 1080, "set $1")
    c.connect(model[2], 1, path)
    c.connect(path, 0, c.obj(x, 1110, f"s {_set('model-path')}"))
    pick = c.obj(x + 100, 1080, "sel " + " ".join(MODELS))
    c.connect(model[2], 0, pick)
    out = c.obj(x + 100, 1140, f"s {_set('model')}")
    for i in range(len(MODELS)):
        box = c.msg(x + 100 + 60 * i, 1110, f"set {i}")
        c.connect(pick, i, box)
        c.connect(box, 0, out)
    for i, key in enumerate(STATE_VALUES):
        word = "tempo" if key == "bpm" else key
        x = 20 + 120 * i
        receive, show = c.obj(x, 1180, f"r {_state(key)}"), c.msg(x, 1210, "set $1")
        c.connect(receive, 0, show)
        c.connect(show, 0, c.obj(x, 1240, f"s {_set(word)}"))
        if key != "seed":
            c.connect(receive, 0, c.obj(x + 60, 1210, f"s {_show(word)}"))
    for i, (key, table) in enumerate(TABLES.items()):
        x = 20 + 200 * i
        receive, order = c.obj(x, 1290, f"r {_state(key)}"), c.obj(x, 1320, "t b f")
        one, write = c.msg(x, 1350, "1"), c.obj(x, 1380, f"tabwrite {table}")
        c.connect(receive, 0, order)
        c.connect(order, 1, write, 1)
        c.connect(order, 0, one)
        c.connect(one, 0, write)


def _top_atoms(c: Canvas) -> None:
    """The ``TOP`` most active atoms of the bar: [array max] on a copy, each maximum then set to -1."""
    start = c.obj(20, 20, "r sidl-top-in")
    order = c.obj(20, 50, "t b l l")
    c.connect(start, 0, order)
    length = c.chain(250, 80, ["list length", "array size sidl-rank"])
    c.connect(order, 2, length[0])
    c.connect(order, 1, c.obj(150, 80, "array set sidl-rank"))
    c.obj(400, 20, f"array define sidl-rank {ACTIVITY_SIZE}")
    steps = c.obj(20, 80, "t b b b")
    c.connect(order, 0, steps)
    atoms, levels = c.obj(20, 350, "list store"), c.obj(200, 350, "list store")
    c.connect(steps, 2, atoms, 1)  # clear both lists
    c.connect(steps, 2, levels, 1)
    count, loop, find = c.msg(100, 110, str(TOP)), c.obj(100, 140, "until"), c.obj(100, 170, "array max sidl-rank")
    c.connect(steps, 1, count)
    c.connect(count, 0, loop)
    c.connect(loop, 0, find)
    # the index comes first (right outlet): it is held and its value set to -1; the value then adds
    # both to the lists, unless it is 0 (atoms that did not play are not listed)
    index, clear = c.obj(250, 200, "t f f"), c.obj(250, 230, "t b f")
    minus, write = c.msg(250, 260, "-1"), c.obj(250, 290, "tabwrite sidl-rank")
    held = c.obj(350, 260, "f")
    c.connect(find, 1, index)
    c.connect(index, 0, clear)
    c.connect(clear, 1, write, 1)
    c.connect(clear, 0, minus)
    c.connect(minus, 0, write)
    c.connect(index, 1, held, 1)
    played = c.chain(100, 200, ["moses 1e-06"], find)[0]
    both = c.obj(100, 225, "t f b")
    c.connect(played, 1, both)
    add_atom = c.msg(350, 290, "append $1")
    c.connect(both, 1, held)
    c.connect(held, 0, add_atom)
    c.connect(add_atom, 0, atoms)
    percent, add_level = c.chain(100, 250, ["* 100", "i"], None), c.msg(100, 300, "append $1")
    c.connect(both, 0, percent[0])
    c.connect(percent[1], 0, add_level)
    c.connect(add_level, 0, levels)
    c.connect(steps, 0, atoms)
    c.connect(steps, 0, levels)
    for x, (store, name) in enumerate(((atoms, "top"), (levels, "top-level"))):
        # "set" first: a bar where nothing played empties the display
        shown = c.chain(20 + 180 * x, 380, ["list prepend set", "list trim", f"s {_show(name)}"], store)


def build() -> str:
    panel = Panel("#N canvas 40 40 740 870 12;")
    _panel_controls(panel)
    _panel_feedback(panel)
    logic = Canvas("#N canvas 80 80 1460 1140 sidl-logic 0;")
    ctl_send = logic.obj(20, 630, "s sidl-ctl")
    _logic_gui(logic, ctl_send)
    _logic_network(logic, ctl_send)
    panel.subpatch(620, 440, logic, "sidl-logic")
    state = Canvas("#N canvas 100 100 1000 1420 sidl-state 0;")
    _state_parser(state)
    _state_followers(state)
    panel.subpatch(620, 465, state, "sidl-state")
    top = Canvas("#N canvas 120 120 520 420 sidl-top 0;")
    _top_atoms(top)
    panel.subpatch(620, 490, top, "sidl-top")
    return "\n".join(panel.lines) + "\n"


if __name__ == "__main__":
    out = Path(__file__).with_name("sidl.pd")
    out.write_text(build(), encoding="utf-8")
    print(f"wrote {out}")
