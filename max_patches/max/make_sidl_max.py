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

from blocks import DAEMON_PORT, GRID, HOST, atom_gain, atom_grid, choice_messages, feedback, model_path, network, slot_actions, value_send
from maxpat import Patcher, amxd, dumps, live_param, patcher_doc

PANEL_FEEDBACK_PORT = 9001
DEVICE_FEEDBACK_PORT = 9002  # its own port, so the panel and the device can run on one machine
SCENES = 15
MODES = ("loop", "filter", "generate")
CLOCKS = ("internal", "midi", "link", "host")
MODELS = ("drums", "piano")

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


# ---- the Max control panel

def build_panel() -> str:
    p = Patcher()
    p.comment("sidl control panel", 20, 10, 300, 1, [10, 5, 300, 20])
    for i, line in enumerate(ROUTING):
        p.comment(line, 20, 35 + 20 * i, 720, 1, [10, 640 + 20 * i, 770, 20])
    start = p.obj("loadbang", 800, 20)
    reconnect = p.ui("button", [880, 20, 24, 24], [700, 5, 24, 24])
    p.comment("reconnect", 910, 22, 80, 1, [728, 7, 80, 20])
    send = network(p, PANEL_FEEDBACK_PORT, 800, 60, [start, reconnect])

    y = 160
    p.comment("mode", 20, y, 60, 1, [10, 35, 60, 20])
    choice_messages(p, send, "/sidl/mode", MODES, 20, y, (80, 35))
    p.comment("clock", 20, y + 70, 60, 1, [10, 62, 60, 20])
    choice_messages(p, send, "/sidl/clock", CLOCKS, 20, y + 70, (80, 62))
    p.comment("model", 20, y + 140, 60, 1, [10, 89, 60, 20])
    choice_messages(p, send, "/sidl/model", MODELS, 20, y + 140, (80, 89))
    editor = p.ui("textedit", [400, y + 175, 220, 22], [355, 89, 220, 22], keymode=1, lines=1,
                  text="", hint="model name or path to a .onnx; Return sends it")
    p.comment("(type a path, Return)", 630, y + 175, 160, 1, [580, 91, 140, 20])
    model_path(p, send, editor, 400, y + 210)

    y = 470
    knobs = [("denoise", 0.0, 1.0, "/sidl/denoise"), ("morph", 0.0, 1.0, "/sidl/morph"),
             ("temperature", 0.05, 5.0, "/sidl/temperature"), ("tempo", 20.0, 400.0, "/sidl/tempo")]
    for j, (label, low, high, address) in enumerate(knobs):
        x = 20 + 170 * j
        p.comment(label, x, y, 100, 1, [10 + 85 * j, 120, 80, 20])
        box = p.ui("flonum", [x, y + 25, 70, 22], [10 + 85 * j, 140, 70, 22], minimum=low, maximum=high,
                   format=6, parameter_enable=0)
        value_send(p, send, box, address, x, y + 60)
    p.comment("seed", 700, y, 100, 1, [350, 120, 80, 20])
    seed = p.ui("number", [700, y + 25, 90, 22], [350, 140, 90, 22], minimum=0, maximum=2**31 - 1,
                parameter_enable=0)
    value_send(p, send, seed, "/sidl/seed", 700, y + 60)
    panic = p.msg("/sidl/panic", 820, y + 25, [460, 130, 110, 32], 110)
    p.connect(panic, 0, send)
    reset = p.msg("/sidl/atom/reset", 950, y + 25, [580, 135, 120, 22], 120)
    p.connect(reset, 0, send)
    # loop mode's feel, beside the mode it belongs to: 0 = the dictionary alone, 1 = as played
    p.comment("feel: dictionary ⟷ player", 1100, y, 180, 1, [495, 35, 165, 20])
    feel = p.ui("flonum", [1100, y + 25, 70, 22], [662, 35, 70, 22], minimum=0.0, maximum=1.0, format=6,
                parameter_enable=0)
    value_send(p, send, feel, "/sidl/feel", 1100, y + 60)

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
    side = 8 * GRID
    for j, action in enumerate(("mute", "solo")):
        x = 20 + 320 * j
        p.comment(f"atom {action}: cell = atom row*32 + column", x, y, 300, 1, [10 + 270 * j, 220, 260, 20])
        grid = p.ui("matrixctrl", [x, y + 25, side, side], [10 + 270 * j, 240, side, side], rows=GRID,
                    columns=GRID, parameter_enable=0)
        atom_grid(p, send, grid, action, x, y + side + 40)
    p.comment("atom gain: atom, gain 0..4", 660, y, 200, 1, [550, 220, 200, 20])
    atom = p.ui("number", [660, y + 25, 60, 22], [550, 240, 60, 22], minimum=0, maximum=4095, parameter_enable=0)
    gain = p.ui("flonum", [730, y + 25, 60, 22], [615, 240, 60, 22], minimum=0.0, maximum=4.0, format=6,
                parameter_enable=0)
    atom_gain(p, send, atom, gain, 660, y + 60)

    p.comment("per-bar atom activity (size follows the model: 1024 drums, 256 piano)", 20, 1200, 420, 1,
              [10, 505, 420, 20])
    p.comment("bar / step            process us / late     tempo / source", 20, 1230, 420, 1,
              [550, 280, 230, 20])
    feedback(p, PANEL_FEEDBACK_PORT, 20, 1260, {
        "bar": [550, 300, 60, 22], "step": [615, 300, 50, 22], "activity": [10, 525, 770, 100],
        "process": [550, 330, 70, 22], "late": [625, 330, 60, 22], "bpm": [550, 360, 70, 22],
        "source": [625, 360, 70, 22], "error": [550, 390, 230, 22]})
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


def command_buttons(p: Patcher, send: str, label: str, address: str, values: tuple[str, ...], x: float, y: float,
                    pres: tuple[float, float]) -> None:
    """One momentary live.text per value: a press sends ``address value``; nothing is sent at load."""
    for j, value in enumerate(values):
        button = live_param("live.text", p, [x + 160 * j, y, 60, 20], [pres[0] + 43 * j, pres[1], 41, 18],
                            f"{label} {value}", value.capitalize(), 2, 0, 1, 0, ("off", "on"), mode=0, text=value)
        message = p.msg(f"{address} {value}", x + 160 * j, y + 70)
        p.connect(bang_on_press(p, button, x + 160 * j, y + 35), 0, message)
        p.connect(message, 0, send)


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
    send = network(p, DEVICE_FEEDBACK_PORT, 900, 100, [ready, bang_on_press(p, reconnect, 1040, 55)])
    sync = live_param("live.toggle", p, [1150, 400, 15, 15], [5, 97, 15, 15], "Host sync", "Sync", 2, 0, 1, 1,
                      ("off", "on"))
    p.comment("send Live's transport", 1170, 398, 150, 1, [22, 95, 150, 16])
    host_transport(p, send, ready, sync, 1150, 20)

    y = 200
    mode = live_param("live.tab", p, [20, y, 180, 20], [5, 5, 170, 18], "Mode", "Mode", 2, 0, 2, 0, MODES,
                      num_lines_patching=1, num_lines_presentation=1)
    choice_messages(p, send, "/sidl/mode", MODES, 20, y + 35, None, mode)
    # clock and model are buttons, not stored parameters: loading a set must not switch them
    command_buttons(p, send, "Clock", "/sidl/clock", CLOCKS, 20, y + 110, (5, 27))
    command_buttons(p, send, "Model", "/sidl/model", MODELS, 20, y + 220, (5, 49))
    editor = p.ui("textedit", [700, y + 220, 200, 22], [91, 49, 84, 18], keymode=1, lines=1, text="",
                  hint="model name or path to a .onnx; Return sends it")
    model_path(p, send, editor, 700, y + 255)

    y = 560
    dials = [("Denoise", "Denoise", 0.0, 1.0, 0.0, "/sidl/denoise"), ("Morph", "Morph", 0.0, 1.0, 0.0, "/sidl/morph"),
             ("Temperature", "Temp", 0.05, 5.0, 1.0, "/sidl/temperature"),
             ("Tempo", "Tempo", 20.0, 400.0, 120.0, "/sidl/tempo")]
    for j, (longname, shortname, low, high, initial, address) in enumerate(dials):
        x = 20 + 170 * j
        dial = live_param("live.dial", p, [x, y, 44, 48], [185 + 48 * j, 5, 44, 48], longname, shortname, 0, low,
                          high, initial)
        value_send(p, send, dial, address, x, y + 60)
    seed = live_param("live.numbox", p, [700, y, 60, 15], [185, 62, 55, 15], "Seed", "Seed", 1, 0, 99999, 0)
    value_send(p, send, seed, "/sidl/seed", 700, y + 60)
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
    feel = live_param("live.dial", p, [1100, y, 44, 48], [305, 116, 44, 48], "Feel dictionary-player", "Feel", 0,
                      0.0, 1.0, 1.0)
    value_send(p, send, feel, "/sidl/feel", 1100, y + 60)

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
        x = 20 + 300 * j
        p.comment(action, x, y - 25, 60, 1, [390 + 135 * j, 2, 60, 16])
        grid = p.ui("matrixctrl", [x, y, 256, 256], [390 + 135 * j, 18, 128, 128], rows=GRID, columns=GRID,
                    parameter_enable=0)
        atom_grid(p, send, grid, action, x, y + 270)
    atom = live_param("live.numbox", p, [660, y, 50, 15], [185, 120, 50, 15], "Gain atom", "Atom", 1, 0, 1023, 0)
    gain = live_param("live.dial", p, [720, y, 44, 48], [250, 112, 44, 48], "Atom gain", "Gain", 0, 0.0, 4.0, 1.0)
    atom_gain(p, send, atom, gain, 660, y + 60)
    labels = (("seed", [185, 78, 55, 16]), ("slot", [250, 78, 40, 16]), ("gain atom", [185, 136, 60, 16]),
              ("bar / step", [760, 5, 95, 16]), ("us / late", [770, 27, 85, 16]), ("bpm / source", [790, 49, 65, 16]))
    for i, (text, pres) in enumerate(labels):
        p.comment(text, 1150, 840 + 25 * i, 100, 1, pres)

    feedback(p, DEVICE_FEEDBACK_PORT, 20, 1340, {
        "bar": [660, 5, 50, 18], "step": [715, 5, 40, 18], "activity": [660, 100, 195, 60],
        "process": [660, 27, 60, 18], "late": [725, 27, 40, 18], "bpm": [660, 49, 60, 18],
        "source": [725, 49, 60, 18], "error": [660, 75, 195, 20]})
    extra = {
        "openrect": [0.0, 0.0, 860.0, 169.0], "devicewidth": 860.0, "latency": 0, "is_mpe": 0,
        "platform_compatibility": 0, "autosave": 0, "parameters": p.parameters(),
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
