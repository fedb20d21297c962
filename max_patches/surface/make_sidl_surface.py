"""Writes ``sidl-open-stage-control.json``: an Open Stage Control (1.x) session for the sidl bridge.

Generated, so that every widget id is unique and every address, preArgs and typeTags follows the
daemon's OSC table (``docs/osc.md``): ``python max_patches/surface/make_sidl_surface.py``.

Three tabs: *Perform* (mode, denoise, feel, morph, scene pads, generate controls, panic and the feedback
strip), *Atoms* (atom number, mute, solo, gain, reset, activity plot) and *Setup* (model, clock,
tempo, reconnect). The session registers itself for feedback and asks for the state when it loads
(root ``onCreate``) and again from the *reconnect* button; the reply moves the controls without
sending anything back, and the tempo and clock follow the bridge every bar. The format details used here, and the Open Stage Control source
files they were read from, are listed in ``README.md`` next to this script.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

Widget = dict[str, Any]

# the version written into the session: >= 1.24.2, so Open Stage Control runs none of its
# old-session converters on load (src/client/managers/session/session.mjs)
OSC_VERSION = "1.29.8"
BRIDGE = "127.0.0.1:9000"  # the daemon's default OSC address (bridge/live/osc_table.py)
FEEDBACK_PORT = 9001  # Open Stage Control's own UDP port: open-stage-control --osc-port 9001
OUT = Path(__file__).with_name("sidl-open-stage-control.json")

COLOURS = {
    "bg": "#15171c", "text": "#e8e8e8", "accent": "#4fc3f7", "mode": "#26a69a", "panic": "#e53935",
    "denoise": "#ffb300", "feel": "#29b6f6", "morph": "#ab47bc", "recall": "#42a5f5", "store": "#ff7043", "generate": "#66bb6a",
    "mute": "#ef5350", "solo": "#fdd835", "gain": "#ffb300", "setup": "#78909c", "feedback": "#90a4ae",
    "error": "#ff8a65",
}
SLOTS = list(range(16))  # scene slots 0..15, labelled as the daemon names them in its errors


class Surface:
    """Builds widgets bound to one bridge target and one feedback port."""

    def __init__(self, bridge: str, feedback_port: int) -> None:
        self.bridge = bridge
        self.feedback_port = feedback_port

    # ------------------------------------------------------------------ OSC
    def osc(self, address: str, type_tags: str, pre_args: list[Any] | None = None) -> Widget:
        """The OSC properties of a sending widget: an explicit target and no server defaults, so a
        ``--send`` given to Open Stage Control does not make every message go out twice."""
        props: Widget = {"address": address, "typeTags": type_tags, "target": self.bridge, "ignoreDefaults": True}
        if pre_args:
            props["preArgs"] = pre_args
        return props

    def register_script(self) -> str:
        """Register this surface for feedback, then ask for the whole state (answered on /sidl/state)."""
        return (f"send('{self.bridge}', '/sidl/register', {{type: 'i', value: {self.feedback_port}}})\n"
                f"{self.query_script()}")

    def query_script(self) -> str:
        return f"send('{self.bridge}', '/sidl/query')\n"

    # ------------------------------------------------------------------ senders
    def button(self, id_: str, label: str, address: str, *, mode: str, colour: str, on: Any = None,
               type_tags: str = "", pre_args: list[Any] | None = None, double_tap: bool = False,
               **extra: Any) -> Widget:
        widget: Widget = {"type": "button", "id": id_, "label": label, "mode": mode, "colorWidget": colour,
                          **self.osc(address, type_tags, pre_args), **extra}
        if on is not None:
            widget["on"] = on
        if mode == "toggle":
            widget["off"] = 0
        if double_tap:
            widget["doubleTap"] = True
        return widget

    def fader(self, id_: str, title: str, address: str, low: float, high: float, default: float, *,
              colour: str, type_tags: str = "f", pre_args: list[Any] | None = None, decimals: int = 2,
              **extra: Any) -> Widget:
        return {"type": "fader", "id": id_, "html": title, "design": "compact", "range": {"min": low, "max": high},
                "default": default, "decimals": decimals, "doubleTap": True, "colorWidget": colour,
                **self.osc(address, type_tags, pre_args), **extra}

    def switch(self, id_: str, title: str, address: str, labels: list[str], values: list[Any], *,
               colour: str, type_tags: str, layout: str = "horizontal", columns: int | None = None,
               **extra: Any) -> Widget:
        widget: Widget = {"type": "switch", "id": id_, "html": title, "values": {"labels": labels, "values": values},
                          "mode": "tap", "layout": layout, "colorWidget": colour, **self.osc(address, type_tags), **extra}
        if columns is not None:
            widget["gridTemplate"] = columns
        return widget

    def entry(self, id_: str, title: str, address: str, *, type_tags: str, validation: str,
              default: Any = "", numeric: bool = False, **extra: Any) -> Widget:
        """A text/number input; ``validation`` keeps empty or malformed text from being sent at all."""
        widget: Widget = {"type": "input", "id": id_, "html": title, "validation": validation, "numeric": numeric,
                          **self.osc(address, type_tags), **extra}
        if default != "":
            widget["default"] = default
        return widget


# ---------------------------------------------------------------------- displays and containers
def text(id_: str, value: str, **extra: Any) -> Widget:
    """A read-only display whose ``value`` is an advanced-syntax formula over other widgets."""
    return {"type": "text", "id": id_, "value": value, "colorText": COLOURS["feedback"], **extra}


def receiver(id_: str, address: str, type_tags: str, default: Any) -> Widget:
    """An invisible variable that holds one feedback message. ``typeTags`` only documents the
    arguments it unpacks (a variable never sends OSC; bypass makes that explicit)."""
    return {"type": "variable", "id": id_, "address": address, "typeTags": type_tags, "bypass": True, "default": default}


def activity_plot(id_: str, **extra: Any) -> Widget:
    """/sidl/activity: one float per atom (1024 drums, 256 piano), each 0..1; a line plot, because
    bars would be under a pixel wide at 1024 values."""
    return {"type": "plot", "id": id_, "address": "/sidl/activity", "rangeY": {"min": 0, "max": 1}, "pips": False,
            "colorWidget": COLOURS["accent"], **extra}


def panel(id_: str, layout: str, widgets: list[Widget], **extra: Any) -> Widget:
    # bypass: a container never has anything to tell the bridge
    return {"type": "panel", "id": id_, "layout": layout, "bypass": True, "widgets": widgets, **extra}


def tab(id_: str, label: str, widgets: list[Widget]) -> Widget:
    return {"type": "tab", "id": id_, "label": label, "layout": "vertical", "bypass": True, "widgets": widgets}


def status_strip(id_: str) -> Widget:
    """Bar/step, tempo and source, processing time and late events, the last error."""
    return panel(id_, "horizontal", [
        text(f"{id_}_bar", "bar #{@{fb_bar}[0]}  step #{@{fb_bar}[1]}", width=200),
        text(f"{id_}_tempo", "#{Number(@{fb_tempo}[0]).toFixed(1)} BPM  #{@{fb_tempo}[1]}", width=220),
        text(f"{id_}_stats", "#{Number(@{fb_stats}[0]).toFixed(0)} us  late #{@{fb_stats}[1]}", width=200),
        # the error lamp: empty (dark) until the bridge refuses something, then the last error in red
        text(f"{id_}_error", "#{@{fb_error} ? '⚠ ' + @{fb_error} : ''}", wrap=True, align="left", expand=True,
             colorText=COLOURS["error"]),
    ], height=60)


# the reply to /sidl/query: move the controls to the daemon's state without sending anything back
# (set(..., {send: false})); the mute, solo and gain controls show the state of the atom typed in `atom`
STATE_SCRIPT = """var s = JSON.parse(value)
set('mode', s.requested_mode, {send: false})
set('denoise', s.denoise, {send: false})
set('feel', s.feel, {send: false})
set('morph', s.morph, {send: false})
set('scene_select', s.scene, {send: false})
set('tempo', s.bpm, {send: false})
set('tempo_fader', s.bpm, {send: false})
set('clock', s.clock, {send: false})
set('model', s.model.model, {send: false})
set('temperature', s.temperature, {send: false})
set('seed', s.seed, {send: false})
var atom = Number(get('atom'))
var gain = s.gain[String(atom)]
set('atom_mute', s.mute.indexOf(atom) >= 0 ? 1 : 0, {send: false})
set('atom_solo', s.solo.indexOf(atom) >= 0 ? 1 : 0, {send: false})
set('atom_gain', gain === undefined ? 1 : gain, {send: false})
"""
# every bar: the tempo in use and its clock move the tempo controls and the clock switch
TEMPO_SCRIPT = """set('tempo', value[0], {send: false})
set('tempo_fader', value[0], {send: false})
set('clock', value[1], {send: false})
"""
# every bar: the most active atoms, most active first, with their activity in percent
TOP_SCRIPT = """var played = value.map(function (level, atom) { return [level, atom] }).filter(function (p) { return p[0] > 0 })
played.sort(function (a, b) { return b[0] - a[0] })
var top = played.slice(0, %d).map(function (p) { return p[1] + ' (' + Math.round(p[0] * 100) + '%%)' }).join('    ')
set('top_atoms', top, {send: false})
"""
TOP = 8


def perform_tab(s: Surface) -> Widget:
    slot_labels = [str(n) for n in SLOTS]
    store_pads = [s.button(f"store_{n}", str(n), "/sidl/scene/store", mode="tap", on=n, type_tags="i",
                           colour=COLOURS["store"], double_tap=True) for n in SLOTS]
    scenes = panel("scenes", "horizontal", [
        s.switch("scene_recall", "recall", "/sidl/scene/recall", slot_labels, SLOTS, colour=COLOURS["recall"],
                 type_tags="i", layout="grid", columns=4, expand=True),
        s.switch("scene_select", "morph target", "/sidl/scene/select", slot_labels, SLOTS, colour=COLOURS["morph"],
                 type_tags="i", layout="grid", columns=4, expand=True),
        panel("scene_store", "grid", store_pads, gridTemplate=4, expand=True, html="store (double-tap)"),
    ], expand=True)
    generate = panel("generate", "vertical", [
        s.fader("temperature", "temperature", "/sidl/temperature", 0.05, 5.0, 1.0, colour=COLOURS["generate"],
                logScale=True, expand=True),
        text("temperature_value", "@{temperature}", height=40),
        s.entry("seed", "seed", "/sidl/seed", type_tags="i", validation="^[0-9]{1,10}$", default=0, numeric=True,
                height=70),
    ], width=170)
    return tab("tab_perform", "Perform", [
        panel("perform_top", "horizontal", [
            s.switch("mode", "mode", "/sidl/mode", ["loop", "filter", "generate"], ["loop", "filter", "generate"],
                     colour=COLOURS["mode"], type_tags="s", expand=True),
            s.button("panic", "PANIC", "/sidl/panic", mode="momentary", colour=COLOURS["panic"], width=240),
        ], height=120),
        panel("perform_main", "horizontal", [
            panel("denoise_strip", "vertical", [
                s.fader("denoise", "denoise", "/sidl/denoise", 0.0, 1.0, 0.0, colour=COLOURS["denoise"], expand=True),
                text("denoise_value", "@{denoise}", height=40),
            ], width=150),
            # loop mode: 0 = the dictionary alone, 1 = as played (double-tap: back to 1)
            panel("feel_strip", "vertical", [
                s.fader("feel", "feel: dictionary ⟷ player", "/sidl/feel", 0.0, 1.0, 1.0, colour=COLOURS["feel"],
                        expand=True),
                text("feel_value", "@{feel}", height=40),
            ], width=150),
            panel("morph_strip", "vertical", [
                s.fader("morph", "morph", "/sidl/morph", 0.0, 1.0, 0.0, colour=COLOURS["morph"], expand=True),
                text("morph_value", "@{morph}", height=40),
            ], width=150),
            scenes,
            generate,
        ], expand=True),
        panel("perform_status", "horizontal", [status_strip("perform_feedback"), activity_plot("activity_small", width=320)],
              height=70),
        # feedback receivers (invisible), and the state reply that re-syncs the controls
        receiver("fb_bar", "/sidl/bar", "ii", [0, 0]),
        {**receiver("fb_tempo", "/sidl/tempo/now", "fs", [120, "internal"]), "onValue": TEMPO_SCRIPT},
        receiver("fb_stats", "/sidl/stats", "fi", [0, 0]),
        receiver("fb_error", "/sidl/error", "s", ""),
        {"type": "script", "id": "state_sync", "address": "/sidl/state", "typeTags": "s", "bypass": True,
         "onValue": STATE_SCRIPT},
    ])


def atoms_tab(s: Surface) -> Widget:
    atom = ["@{atom}"]  # the atom number typed in the `atom` input, as the first argument
    return tab("tab_atoms", "Atoms", [
        panel("atoms_top", "horizontal", [
            # bypass: choosing an atom number sends nothing by itself; it asks for the state, whose
            # reply shows that atom's mute, solo and gain
            {"type": "input", "id": "atom", "html": "atom #", "numeric": True, "validation": "^[0-9]{1,4}$",
             "default": 0, "bypass": True, "width": 160, "onValue": s.query_script()},
            s.button("atom_mute", "mute", "/sidl/atom/mute", mode="toggle", on=1, type_tags="ii", pre_args=atom,
                     colour=COLOURS["mute"], width=150),
            s.button("atom_solo", "solo", "/sidl/atom/solo", mode="toggle", on=1, type_tags="ii", pre_args=atom,
                     colour=COLOURS["solo"], width=150),
            s.fader("atom_gain", "gain (double-tap: 1)", "/sidl/atom/gain", 0.0, 4.0, 1.0, colour=COLOURS["gain"],
                    type_tags="if", pre_args=atom, horizontal=True, expand=True),
            text("atom_gain_value", "@{atom_gain}", width=80),
            s.button("atom_reset", "reset all (double-tap)", "/sidl/atom/reset", mode="momentary",
                     colour=COLOURS["setup"], double_tap=True, width=200),
        ], height=120),
        text("top_atoms", "", height=60, align="left", wrap=True,
             html=f"the {TOP} most active atoms this bar (activity %)"),
        {"type": "script", "id": "top_sync", "address": "/sidl/activity", "typeTags": "f", "bypass": True,
         "onValue": TOP_SCRIPT % TOP},
        activity_plot("activity", expand=True, html="activity per atom (this bar, 0..1)"),
        status_strip("atoms_feedback"),
    ])


def setup_tab(s: Surface) -> Widget:
    tempo_default = 120.0
    return tab("tab_setup", "Setup", [
        panel("setup_model", "horizontal", [
            s.switch("model", "model", "/sidl/model", ["drums", "piano"], ["drums", "piano"], colour=COLOURS["setup"],
                     type_tags="s", width=320),
            s.entry("model_path", "model folder (Enter to load)", "/sidl/model", type_tags="s", validation="^.+$",
                    align="left", expand=True),
        ], height=110),
        s.switch("clock", "clock source (switches at the next bar)", "/sidl/clock",
                 ["internal", "midi", "link", "host"], ["internal", "midi", "link", "host"], colour=COLOURS["setup"],
                 type_tags="s", height=110),
        panel("setup_tempo", "horizontal", [
            s.fader("tempo_fader", "tempo", "/sidl/tempo", 20.0, 400.0, tempo_default, colour=COLOURS["accent"],
                    decimals=1, horizontal=True, expand=True),
            s.entry("tempo", "BPM", "/sidl/tempo", type_tags="f", validation="^[0-9]{2,3}([.][0-9]+)?$",
                    default=tempo_default, numeric=True, unit="BPM", width=200),
        ], height=110),
        panel("setup_connect", "horizontal", [
            s.button("reconnect", "reconnect", "/sidl/register", mode="tap", on=s.feedback_port, type_tags="i",
                     colour=COLOURS["accent"], width=240, onValue=s.query_script()),
            text("connect_info", f"bridge {s.bridge}, feedback to this surface on udp port {s.feedback_port} "
                                 f"(open-stage-control --osc-port {s.feedback_port})", wrap=True, align="left",
                 expand=True),
        ], height=100),
        status_strip("setup_feedback"),
    ])


def build(bridge: str = BRIDGE, feedback_port: int = FEEDBACK_PORT) -> str:
    s = Surface(bridge, feedback_port)
    root: Widget = {"type": "root", "id": "root", "bypass": True, "colorBg": COLOURS["bg"],
                    "colorText": COLOURS["text"], "colorWidget": COLOURS["accent"],
                    "onCreate": s.register_script(),
                    "tabs": [perform_tab(s), atoms_tab(s), setup_tab(s)]}
    session = {"version": OSC_VERSION, "createdWith": "Open Stage Control", "type": "session", "content": root}
    return json.dumps(session, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bridge", default=BRIDGE, help=f"the daemon's OSC address, host:port (default {BRIDGE})")
    parser.add_argument("--feedback-port", type=int, default=FEEDBACK_PORT,
                        help=f"Open Stage Control's --osc-port, registered for feedback (default {FEEDBACK_PORT})")
    parser.add_argument("--out", type=Path, default=OUT, help=f"output file (default {OUT.name} next to this script)")
    args = parser.parse_args()
    args.out.write_text(build(args.bridge, args.feedback_port), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
