"""Writes ``sidl.pd`` (Pd vanilla ≥ 0.46: oscformat, oscparse, netsend/netreceive -u -b).

Generated, so that object indices and connections stay right: ``python max_patches/pd/make_sidl_pd.py``.
Every control goes through one receive, ``sidl-ctl`` (``mode filter``, ``denoise 0.5``, ``mute 3 1`` …),
which the GUI boxes feed and which ``pd -send "sidl-ctl …"`` can drive headless. Feedback from the
bridge is printed as ``sidl-feedback: …`` and sent on to ``r sidl-feedback`` for display.
"""

from __future__ import annotations

from pathlib import Path

# control word → OSC address components after /sidl (the daemon's table: docs/osc.md)
CONTROLS = {
    "mode": "mode", "denoise": "denoise", "morph": "morph", "store": "scene store", "recall": "scene recall",
    "select": "scene select", "mute": "atom mute", "solo": "atom solo", "gain": "atom gain",
    "reset": "atom reset", "temperature": "temperature", "seed": "seed", "tempo": "tempo", "panic": "panic",
    "register": "register", "query": "query", "model": "model", "clock": "clock", "transport": "host transport",
}


class Patch:
    def __init__(self) -> None:
        self.lines = ["#N canvas 40 40 980 720 12;"]
        self.count = 0

    def add(self, kind: str, x: int, y: int, text: str) -> int:
        self.lines.append(f"#X {kind} {x} {y} {text};")
        self.count += 1
        return self.count - 1

    def obj(self, x: int, y: int, text: str) -> int:
        return self.add("obj", x, y, text)

    def msg(self, x: int, y: int, text: str) -> int:
        return self.add("msg", x, y, text.replace("$", "\\$").replace(",", " \\,"))

    def atom(self, x: int, y: int) -> int:
        return self.add("floatatom", x, y, "6 0 0 0 - - - 0")

    def comment(self, x: int, y: int, text: str) -> int:
        return self.add("text", x, y, text.replace(",", " \\,").replace(";", " \\;"))

    def connect(self, a: int, outlet: int, b: int, inlet: int = 0) -> None:
        self.lines.append(f"#X connect {a} {outlet} {b} {inlet};")

    def chain(self, x: int, y: int, texts: list[str], first: int | None = None) -> list[int]:
        """Objects stacked from (x, y), each feeding the next (after ``first``, if given)."""
        ids = [self.obj(x, y + 30 * i, t) for i, t in enumerate(texts)]
        for a, b in zip(([first] if first is not None else []) + ids, ids if first is not None else ids[1:]):
            self.connect(a, 0, b)
        return ids


def _port_setting(p: Patch, x: int, load: int, default: str, receive: str, templates: list[str]) -> list[int]:
    """A port number from ``default`` at load or from ``[r receive]``, into each message template."""
    value, override = p.msg(x, 70, default), p.obj(x + 60, 70, f"r {receive}")
    p.connect(load, 0, value)
    boxes = [p.msg(x + 90 * i, 100 + 30 * i, t) for i, t in enumerate(templates)]
    for box in boxes:
        p.connect(value, 0, box)
        p.connect(override, 0, box)
    return boxes


def build() -> str:
    p = Patch()
    p.comment(20, 10, "sidl control panel: OSC to the bridge (sidl run) on udp 127.0.0.1 port 9000 - feedback on 9001")
    # ---- network: send
    ctl = p.obj(20, 360, "r sidl-ctl")
    route = p.obj(20, 390, "route " + " ".join(CONTROLS))
    send_list, _, netsend = p.chain(20, 600, ["list prepend send", "list trim", "netsend -u -b"])
    for i, (word, address) in enumerate(CONTROLS.items()):
        to_list = p.obj(20 + 52 * (i % 9), 450 + 60 * (i // 9), "list")
        fmt = p.obj(20 + 52 * (i % 9), 480 + 60 * (i // 9), f"oscformat sidl {address}")
        p.connect(route, i, to_list)
        p.connect(to_list, 0, fmt)
        p.connect(fmt, 0, send_list)
    p.connect(ctl, 0, route)
    # ---- ports: a default at load, overridable headless (pd -send "sidl-connect 9123")
    load = p.obj(520, 40, "loadbang")
    connect = _port_setting(p, 520, load, "9000", "sidl-connect", ["disconnect, connect localhost $1"])[0]
    p.connect(connect, 0, netsend)
    listen, register = _port_setting(p, 700, load, "9001", "sidl-listen", ["listen $1", "register $1"])
    p.connect(register, 0, p.obj(760, 160, "s sidl-ctl"))
    # ---- network: feedback
    netreceive = p.obj(520, 220, "netreceive -u -b")
    p.connect(listen, 0, netreceive)
    *_, froute, _ = p.chain(520, 250, ["oscparse", "list trim", "route sidl", "print sidl-feedback"], netreceive)
    p.connect(froute, 0, p.obj(680, 340, "s sidl-feedback"))
    # ---- performer controls
    gui_send = p.obj(20, 300, "s sidl-ctl")
    for j, (label, text) in enumerate([("loop", "mode loop"), ("filter", "mode filter"), ("generate", "mode generate"),
                                       ("panic", "panic"), ("query", "query"), ("reset", "reset")]):
        box = p.msg(20 + 95 * j, 40, text)
        p.connect(box, 0, gui_send)
    for j, word in enumerate(["denoise", "morph", "tempo", "temperature", "seed", "store", "recall", "select"]):
        x = 20 + 60 * j
        p.comment(x, 90, word)
        number = p.atom(x, 115)
        prefix = p.msg(x, 145, f"{word} $1")
        p.connect(number, 0, prefix)
        p.connect(prefix, 0, gui_send)
    p.comment(20, 190, "atom mute: atom on/off")
    mute_atom, mute_on = p.atom(20, 215), p.atom(90, 215)
    pack = p.obj(20, 245, "pack f f")
    mute_msg = p.msg(20, 270, "mute $1 $2")
    p.connect(mute_atom, 0, pack)
    p.connect(mute_on, 0, pack, 1)
    p.connect(pack, 0, mute_msg)
    p.connect(mute_msg, 0, gui_send)
    return "\n".join(p.lines) + "\n"


if __name__ == "__main__":
    out = Path(__file__).with_name("sidl.pd")
    out.write_text(build(), encoding="utf-8")
    print(f"wrote {out}")
