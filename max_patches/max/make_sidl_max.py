"""Writes the Max clients of the sidl daemon (stdlib only, deterministic output).

- ``max_patches/sidl.maxpat``: the control panel for Max (presentation view for the performer).
- ``max_patches/m4l/sidl-device.maxpat``: the Max for Live MIDI effect as a plain patcher (open it in
  Max and save it as a device if the ``.amxd`` does not load).
- ``max_patches/m4l/sidl.amxd``: the same patcher in the ``.amxd`` container (see README: format).

Generated, so that box ids, inlet/outlet counts and connections stay right:
``python max_patches/max/make_sidl_max.py``. Conventions the contract test relies on (read back by
``tests/clients/extract_max.py``): every OSC message leaves through a message box starting with
``/sidl/`` or a ``prepend /sidl/...`` object wired to ``udpsend``; the type of every ``$N`` (and of
what enters a ``prepend``) is fixed by the box feeding it directly (number/flonum/live.* widget,
``i``, ``t i``, ``pack i f``, ``tosymbol``); feedback is split by ``route /sidl/...`` after ``udpreceive``.
"""

from __future__ import annotations

from pathlib import Path

from blocks import (DAEMON_PORT, HOST, Follow, Grid, atom_gain, atom_grid, atom_pages, choice_messages, feedback,
                    grid_follow, menu, model_path, network, slot_actions, value_send)
from maxpat import Patcher, amxd, dumps, live_param, patcher_doc

PANEL_FEEDBACK_PORT = 9001
DEVICE_FEEDBACK_PORT = 9002  # its own port, so the panel and the device can run on one machine
SCENES = 15
MODES = ("loop", "filter", "generate")
CLOCKS = ("internal", "midi", "link", "host")
MODELS = ("drums", "piano")
PANEL_GRID = Grid(16, 16)  # 256 atoms a page, 15 px cells
DEVICE_GRID = Grid(8, 8)  # 64 atoms a page, 16 px cells: a device is 169 px high
PANEL_TOP, DEVICE_TOP = 16, 8  # the most active atoms listed

ROOT = Path(__file__).resolve().parents[1]
PANEL_PATH = ROOT / "sidl.maxpat"
DEVICE_PATH = ROOT / "m4l" / "sidl-device.maxpat"
AMXD_PATH = ROOT / "m4l" / "sidl.amxd"

ROUTING = [
    "Routing: sidl run creates virtual MIDI ports 'sidl in' / 'sidl out' (macOS CoreMIDI, Linux ALSA or JACK).",
    "macOS: they appear in Live/Max like the IAC Driver buses. Windows: make two loopMIDI ports, sidl run --in/--out.",
    "In Live: a MIDI track whose output is 'sidl in' (what you play goes to the bridge),",
    "another MIDI track whose input is 'sidl out' (monitor In) plays the bridge's notes on an instrument.",
    f"OSC: this patch sends to udp {HOST}:{DAEMON_PORT}; the bridge answers on the port named in /sidl/register.",
]


def grids(p: Patcher, send: str, query: str, page: str, grid: Grid, cell: float, x: float, y: float,
          pres: list[tuple[float, float]]) -> dict[str, tuple[str, str]]:
    """The mute and solo grids of one page (``page`` picks it); returns their (zl reg, redraw) for the state."""
    first = atom_pages(p, page, grid, query, x + 800, y)
    followers = {}
    for j, action in enumerate(("mute", "solo")):
        gx = x + 400 * j
        box = p.ui("matrixctrl", [gx, y + 25, grid.columns * cell, grid.rows * cell],
                   [pres[j][0], pres[j][1], grid.columns * cell, grid.rows * cell], rows=grid.rows,
                   columns=grid.columns, parameter_enable=0)
        gate = atom_grid(p, send, box, grid, action, first, gx, y + 40 + grid.rows * cell)
        followers[action] = grid_follow(p, box, gate, grid, first, gx, y + 300 + grid.rows * cell)
    return followers


# ---- the Max control panel

def build_panel() -> str:
    p = Patcher()
    p.comment("sidl control panel", 20, 10, 300, 1, [10, 5, 300, 20])
    for i, line in enumerate(ROUTING):
        p.comment(line, 20, 35 + 20 * i, 720, 1, [10, 640 + 20 * i, 770, 20])
    start = p.obj("loadbang", 800, 20)
    reconnect = p.ui("button", [880, 20, 24, 24], [700, 5, 24, 24])
    p.comment("reconnect", 910, 22, 80, 1, [728, 7, 80, 20])
    send, query = network(p, PANEL_FEEDBACK_PORT, 800, 60, [start, reconnect])

    y = 160
    controls: dict[str, str] = {}
    for row, (label, address, values) in enumerate([("mode", "/sidl/mode", MODES), ("clock", "/sidl/clock", CLOCKS),
                                                     ("model", "/sidl/model", MODELS)]):
        p.comment(label, 20, y + 70 * row, 60, 1, [10, 35 + 27 * row, 60, 20])
        controls[label] = menu(p, values, [80, y + 70 * row, 110, 22], [80, 35 + 27 * row, 110, 22])
        choice_messages(p, send, address, values, 200, y + 70 * row, controls[label])
    editor = p.ui("textedit", [700, y + 140, 220, 22], [200, 89, 220, 22], keymode=1, lines=1,
                  text="", hint="model name or path to a .onnx; Return sends it")
    p.comment("(name or path, Return)", 930, y + 140, 160, 1, [425, 91, 150, 20])
    model_path(p, send, editor, 700, y + 175)

    y = 470
    knobs = [("denoise", 0.0, 1.0, "/sidl/denoise"), ("morph", 0.0, 1.0, "/sidl/morph"),
             ("temperature", 0.05, 5.0, "/sidl/temperature"), ("tempo", 20.0, 400.0, "/sidl/tempo")]
    for j, (label, low, high, address) in enumerate(knobs):
        x = 20 + 170 * j
        p.comment(label, x, y, 100, 1, [10 + 85 * j, 120, 80, 20])
        controls[label] = p.ui("flonum", [x, y + 25, 70, 22], [10 + 85 * j, 140, 70, 22], minimum=low, maximum=high,
                               format=6, parameter_enable=0)
        value_send(p, send, controls[label], address, x, y + 60)
    p.comment("seed", 700, y, 100, 1, [350, 120, 80, 20])
    controls["seed"] = p.ui("number", [700, y + 25, 90, 22], [350, 140, 90, 22], minimum=0, maximum=2**31 - 1,
                            parameter_enable=0)
    value_send(p, send, controls["seed"], "/sidl/seed", 700, y + 60)
    panic = p.msg("/sidl/panic", 820, y + 25, [460, 130, 110, 32], 110)
    p.connect(panic, 0, send)
    reset = p.msg("/sidl/atom/reset", 950, y + 25, [580, 135, 120, 22], 120)
    p.connect(reset, 0, send)
    # loop mode's feel, beside the mode it belongs to: 0 = the dictionary alone, 1 = as played
    p.comment("feel: dictionary ⟷ player", 1100, y, 180, 1, [495, 35, 165, 20])
    controls["feel"] = p.ui("flonum", [1100, y + 25, 70, 22], [662, 35, 70, 22], minimum=0.0, maximum=1.0, format=6,
                            parameter_enable=0)
    value_send(p, send, controls["feel"], "/sidl/feel", 1100, y + 60)

    y = 580
    p.comment("scene slot 0..15, then store / recall / select (select = where morph goes)", 20, y, 460, 1,
              [10, 170, 460, 20])
    slot = p.ui("number", [20, y + 25, 50, 22], [10, 192, 50, 22], minimum=0, maximum=SCENES, parameter_enable=0)
    triggers = {}
    for j, action in enumerate(("store", "recall", "select")):
        triggers[action] = p.ui("button", [100 + 170 * j, y + 25, 24, 24], [80 + 70 * j, 192, 24, 24])
        p.comment(action, 128 + 170 * j, y + 27, 60, 1, [106 + 70 * j, 194, 40, 20])
    slot_actions(p, send, slot, triggers, 100, y + 65)

    y = 730
    cells = PANEL_GRID.cells
    for j, action in enumerate(("mute", "solo")):
        p.comment(f"atom {action}: page × {cells} + row × {PANEL_GRID.columns} + column", 20 + 400 * j, y, 300, 1,
                  [10 + 270 * j, 220, 260, 20])
    p.comment(f"grid page (0..{PANEL_GRID.pages - 1})", 820, y, 160, 1, [550, 440, 120, 20])
    page = p.ui("number", [820, y + 25, 50, 22], [675, 440, 50, 22], minimum=0, maximum=PANEL_GRID.pages - 1,
                parameter_enable=0)
    followers = grids(p, send, query, page, PANEL_GRID, 15.0, 20, y + 60, [(10, 240), (280, 240)])
    p.comment("atom gain: atom, gain 0..4", 1000, y, 200, 1, [550, 220, 200, 20])
    atom = p.ui("number", [1000, y + 25, 60, 22], [550, 240, 60, 22], minimum=0, maximum=4095, parameter_enable=0)
    gain = p.ui("flonum", [1070, y + 25, 60, 22], [615, 240, 60, 22], minimum=0.0, maximum=4.0, format=6,
                parameter_enable=0)
    atom_gain(p, send, atom, gain, 1000, y + 60)

    p.comment(f"the {PANEL_TOP} most active atoms of the last bar, most active first; bars: their activity", 20,
              1640, 520, 1, [10, 505, 520, 20])
    p.comment("from the bridge", 20, 1670, 120, 1, [550, 280, 230, 20])
    for i, text in enumerate(("bar / step", "µs / late", "bpm / clock")):
        p.comment(text, 150 + 110 * i, 1670, 100, 1, [700, 302 + 30 * i, 85, 20])
    follow = Follow(choices={"requested_mode": (controls["mode"], MODES), "clock": (controls["clock"], CLOCKS)},
                    values={key: [controls[name]] for key, name in (("denoise", "denoise"), ("morph", "morph"),
                                                                    ("feel", "feel"), ("temperature", "temperature"),
                                                                    ("bpm", "tempo"), ("seed", "seed"))},
                    model=(controls["model"], MODELS), model_name=[editor], grids=followers)
    feedback(p, PANEL_FEEDBACK_PORT, 20, 1700, {
        "bar": [550, 300, 60, 22], "step": [615, 300, 50, 22], "top": [10, 525, 770, 22],
        "levels": [10, 550, 770, 80], "process": [550, 330, 70, 22], "late": [625, 330, 60, 22],
        "bpm": [550, 360, 70, 22], "source": [625, 360, 70, 22], "lamp": [550, 392, 18, 18],
        "error": [575, 390, 205, 40]}, follow, PANEL_TOP)
    return dumps(patcher_doc(p, [40.0, 60.0, 1100.0, 760.0], {}))


# ---- the Max for Live MIDI effect

def host_transport(p: Patcher, send: str, ready: str, sync: str, x: float, y: float) -> None:
    """Live's transport → ``/sidl/host/transport playing bpm beat``: on every change and every 50 ms while playing.

    is_playing and tempo come from live.observer (Live API: fire on change); the song position comes
    from the M4L transport, which follows Live (ticks / 480 = beats), polled by the same tick. ``sync``
    (a toggle) gates the messages, for sessions that run another clock.
    """
    live_set = p.obj("live.path live_set", x, y)
    playing = p.obj("live.observer is_playing", x, y + 35)
    tempo = p.obj("live.observer tempo", x + 200, y + 35)
    p.connect(ready, 0, live_set)
    p.connect(live_set, 0, playing, 1)
    p.connect(live_set, 0, tempo, 1)
    on_playing = p.obj("t b i i", x, y + 70)
    on_tempo = p.obj("t b f", x + 200, y + 70)
    metro = p.obj("metro 50", x + 80, y + 105)
    tick = p.obj("t b b", x, y + 140)
    clock = p.obj("transport", x + 80, y + 175)
    beats = p.obj("/ 480.", x + 80, y + 210)
    held = p.obj("i", x, y + 210)
    state = p.obj("pack 0 120. 0.", x, y + 245)
    out = p.obj("prepend /sidl/host/transport", x, y + 280)
    enabled = p.obj("gate 1 1", x, y + 315)
    p.connect(playing, 0, on_playing)
    p.connect(on_playing, 2, metro)  # 1 starts the 50 ms poll, 0 stops it ...
    p.connect(on_playing, 1, held, 1)
    p.connect(on_playing, 0, tick)  # ... and the change itself is sent at once (playing 0 on stop)
    p.connect(tempo, 0, on_tempo)
    p.connect(on_tempo, 1, state, 1)
    p.connect(on_tempo, 0, tick)
    p.connect(metro, 0, tick)
    p.connect(tick, 1, clock)  # first the position (cold inlet), then the held playing flag (hot)
    p.connect(clock, 7, beats)
    p.connect(beats, 0, state, 2)
    p.connect(tick, 0, held)
    p.connect(held, 0, state, 0)
    p.connect(state, 0, out)
    p.connect(sync, 0, enabled)
    p.connect(out, 0, enabled, 1)
    p.connect(enabled, 0, send)


def bang_on_press(p: Patcher, button: str, x: float, y: float) -> str:
    """live.text in button mode sends 1 on press; ``sel 1`` turns that into one bang."""
    press = p.obj("sel 1", x, y)
    p.connect(button, 0, press)
    return press


def build_device() -> str:
    p = Patcher()
    p.comment("sidl - Max for Live MIDI effect: controls the sidl bridge over OSC, forwards Live's transport",
              20, 10, 700)
    for i, line in enumerate(ROUTING):
        p.comment(line, 20, 30 + 20 * i, 720)
    p.comment("Follow Live without MIDI clock: sidl run --clock host. "
              f"Feedback comes back on udp {DEVICE_FEEDBACK_PORT}.",
              20, 30 + 20 * len(ROUTING), 720)
    # MIDI passes through untouched: the device never swallows the track's MIDI
    midi_in = p.obj("midiin", 760, 20)
    midi_out = p.obj("midiout", 760, 60)
    p.connect(midi_in, 0, midi_out)

    ready = p.obj("live.thisdevice", 900, 20)  # bangs once the Live API is usable
    reconnect = live_param("live.text", p, [1040, 20, 60, 20], [5, 71, 80, 18], "Reconnect", "Reconnect",
                           2, 0, 1, 0, ("off", "on"), mode=0, text="reconnect")
    send, query = network(p, DEVICE_FEEDBACK_PORT, 900, 100, [ready, bang_on_press(p, reconnect, 1040, 55)])
    sync = live_param("live.toggle", p, [1150, 400, 15, 15], [5, 97, 15, 15], "Host sync", "Sync", 2, 0, 1, 1,
                      ("off", "on"))
    p.comment("send Live's transport", 1170, 398, 150, 1, [22, 95, 150, 16])
    host_transport(p, send, ready, sync, 1150, 20)

    y = 200
    controls: dict[str, str] = {}
    controls["mode"] = live_param("live.tab", p, [20, y, 180, 20], [5, 5, 170, 18], "Mode", "Mode", 2, 0, 2, 0, MODES,
                                  num_lines_patching=1, num_lines_presentation=1)
    choice_messages(p, send, "/sidl/mode", MODES, 20, y + 35, controls["mode"])
    # the clock and the model: hidden parameters (not stored with the set: loading a set must not switch
    # them); they show the bridge's clock and model, and a click switches them
    for row, (name, address, values, pres) in enumerate([("Clock", "/sidl/clock", CLOCKS, [5, 27, 170, 18]),
                                                         ("Model", "/sidl/model", MODELS, [5, 49, 84, 18])]):
        controls[name.lower()] = live_param("live.tab", p, [20, y + 110 * (row + 1), 180, 20], pres, name, name, 2, 0,
                                            len(values) - 1, 0, values, hidden=True, num_lines_patching=1,
                                            num_lines_presentation=1)
        choice_messages(p, send, address, values, 20, y + 110 * (row + 1) + 35, controls[name.lower()])
    editor = p.ui("textedit", [700, y + 220, 200, 22], [91, 49, 84, 18], keymode=1, lines=1, text="",
                  hint="model name or path to a .onnx; Return sends it")
    model_path(p, send, editor, 700, y + 255)

    y = 560
    dials = [("Denoise", "Denoise", 0.0, 1.0, 0.0, "/sidl/denoise"), ("Morph", "Morph", 0.0, 1.0, 0.0, "/sidl/morph"),
             ("Temperature", "Temp", 0.05, 5.0, 1.0, "/sidl/temperature"),
             ("Tempo", "Tempo", 20.0, 400.0, 120.0, "/sidl/tempo")]
    for j, (longname, shortname, low, high, initial, address) in enumerate(dials):
        x = 20 + 170 * j
        controls[longname.lower()] = live_param("live.dial", p, [x, y, 44, 48], [185 + 48 * j, 5, 44, 48], longname,
                                                shortname, 0, low, high, initial)
        value_send(p, send, controls[longname.lower()], address, x, y + 60)
    controls["seed"] = live_param("live.numbox", p, [700, y, 60, 15], [185, 62, 55, 15], "Seed", "Seed", 1, 0, 99999, 0)
    value_send(p, send, controls["seed"], "/sidl/seed", 700, y + 60)
    panic = live_param("live.text", p, [820, y, 60, 20], [5, 120, 170, 40], "Panic", "Panic", 2, 0, 1, 0,
                       ("off", "on"), mode=0, text="PANIC")
    panic_msg = p.msg("/sidl/panic", 820, y + 70)
    p.connect(bang_on_press(p, panic, 820, y + 35), 0, panic_msg)
    p.connect(panic_msg, 0, send)
    reset = live_param("live.text", p, [950, y, 80, 20], [90, 71, 85, 18], "Reset atoms", "Reset", 2, 0, 1, 0,
                       ("off", "on"), mode=0, text="reset atoms")
    reset_msg = p.msg("/sidl/atom/reset", 950, y + 70)
    p.connect(bang_on_press(p, reset, 950, y + 35), 0, reset_msg)
    p.connect(reset_msg, 0, send)
    # loop mode's feel (shown as "Feel"): 0 = the dictionary alone, 1 = as played (the bridge's default)
    controls["feel"] = live_param("live.dial", p, [1100, y, 44, 48], [305, 116, 44, 48], "Feel dictionary-player",
                                  "Feel", 0, 0.0, 1.0, 1.0)
    value_send(p, send, controls["feel"], "/sidl/feel", 1100, y + 60)

    y = 700
    slot = live_param("live.numbox", p, [20, y, 44, 15], [250, 62, 40, 15], "Scene slot", "Slot", 1, 0, SCENES, 0)
    triggers = {}
    for j, action in enumerate(("store", "recall", "select")):
        button = live_param("live.text", p, [100 + 170 * j, y, 50, 20], [300, 58 + 20 * j, 50, 17],
                            f"Scene {action}", action.capitalize(), 2, 0, 1, 0, ("off", "on"), mode=0, text=action)
        triggers[action] = bang_on_press(p, button, 100 + 170 * j, y + 30)
    slot_actions(p, send, slot, triggers, 100, y + 65)

    y = 880
    for j, action in enumerate(("mute", "solo")):
        p.comment(action, 20 + 400 * j, y - 25, 60, 1, [390 + 135 * j, 2, 60, 16])
    page = live_param("live.numbox", p, [1000, y - 25, 44, 15], [390, 150, 40, 15], "Atom page", "Page", 1, 0,
                      DEVICE_GRID.pages - 1, 0, hidden=True)
    p.comment(f"atom page: {DEVICE_GRID.cells} atoms each, row × {DEVICE_GRID.columns} + column", 1000, y - 65, 300, 1,
              [433, 148, 222, 16])
    followers = grids(p, send, query, page, DEVICE_GRID, 16.0, 20, y - 25, [(390, 18), (525, 18)])
    atom = live_param("live.numbox", p, [1000, y + 60, 50, 15], [185, 120, 50, 15], "Gain atom", "Atom", 1, 0, 4095, 0)
    gain = live_param("live.dial", p, [1060, y + 60, 44, 48], [250, 112, 44, 48], "Atom gain", "Gain", 0, 0.0, 4.0, 1.0)
    atom_gain(p, send, atom, gain, 1000, y + 120)
    labels = (("seed", [185, 78, 55, 16]), ("slot", [250, 78, 40, 16]), ("gain atom", [185, 136, 60, 16]),
              ("bar / step", [760, 5, 95, 16]), ("us / late", [770, 27, 85, 16]), ("bpm / source", [790, 49, 65, 16]))
    for i, (text, pres) in enumerate(labels):
        p.comment(text, 1150, 840 + 25 * i, 100, 1, pres)

    follow = Follow(choices={"requested_mode": (controls["mode"], MODES), "clock": (controls["clock"], CLOCKS)},
                    values={key: [controls[name]] for key, name in (("denoise", "denoise"), ("morph", "morph"),
                                                                    ("feel", "feel"), ("temperature", "temperature"),
                                                                    ("bpm", "tempo"), ("seed", "seed"))},
                    model=(controls["model"], MODELS), model_name=[editor], grids=followers)
    feedback(p, DEVICE_FEEDBACK_PORT, 20, 1700, {
        "bar": [660, 5, 50, 18], "step": [715, 5, 40, 18], "top": [660, 100, 195, 18],
        "levels": [660, 120, 195, 40], "process": [660, 27, 60, 18], "late": [725, 27, 40, 18],
        "bpm": [660, 49, 60, 18], "source": [725, 49, 60, 18], "lamp": [660, 77, 16, 16],
        "error": [680, 75, 175, 20]}, follow, DEVICE_TOP)
    extra = {
        "openrect": [0.0, 0.0, 860.0, 169.0], "devicewidth": 860.0, "dependency_cache": [], "latency": 0,
        "is_mpe": 0, "minimum_live_version": "", "minimum_max_version": "", "platform_compatibility": 0,
        "autosave": 0, "parameters": p.parameters(),
        # what Max writes in a MIDI effect's project: amxdtype is "mmmm" read as a big-endian int
        "project": {"version": 1, "amxdtype": int.from_bytes(b"mmmm", "big"), "readonly": 0, "devpathtype": 0,
                    "devpath": ".", "sortmode": 0, "viewmode": 0, "includepackages": 0},
    }
    return dumps(patcher_doc(p, [60.0, 80.0, 1500.0, 900.0], extra))


def outputs() -> dict[Path, bytes]:
    device = build_device()
    return {PANEL_PATH: build_panel().encode("utf-8"), DEVICE_PATH: device.encode("utf-8"), AMXD_PATH: amxd(device)}


if __name__ == "__main__":
    for path, data in outputs().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {path} ({len(data)} bytes)")
