"""The Open Stage Control session in max_patches/surface/: its format, its freshness, and what it sends.

Open Stage Control cannot be installed here, so the session is checked against the format as read
from the app's source (jean-emmanuel/open-stage-control, the ``.mjs`` tree of 1.29/1.30), and the
messages it would send are rebuilt from address/preArgs/typeTags, sent over real UDP and fed to the
daemon's own validator.
"""

from __future__ import annotations

import json
import re
import socket
import sys
from pathlib import Path
from typing import Any

import extract_surface as ex
import pytest
from client_contract import NUMBER, STRING
from pythonosc.osc_message import OscMessage
from pythonosc.osc_message_builder import OscMessageBuilder

from sidl.bridge.live.osc_server import build_message
from sidl.bridge.live.osc_table import BY_PATH, DEFAULT_PORT, validate

ROOT = Path(__file__).resolve().parents[2]
SURFACE = ROOT / "max_patches" / "surface"
SESSION = SURFACE / "sidl-open-stage-control.json"

# ---------------------------------------------------------------------------------------------
# The widget properties this session may use, per widget type, as the app defines them in each
# class's static defaults() (src/client/widgets/...). The app's parser fills missing properties
# with these defaults and silently deletes any other (src/client/parser.mjs: "Remove props that
# don't apply"), so a misspelt property would be lost without a word: hence this table.
# common/widget.mjs: Widget.defaults()
WIDGET = {
    "lock", "type", "id", "visible", "interaction", "comments",  # widget
    "left", "top", "width", "height", "expand",  # geometry
    "colorText", "colorWidget", "colorStroke", "colorFill", "alphaStroke", "alphaFillOff", "alphaFillOn",
    "lineWidth", "borderRadius", "padding", "html", "css",  # style
    "value", "default", "linkId",  # value
    "address", "preArgs", "typeTags", "decimals", "target", "ignoreDefaults", "bypass",  # osc
    "onCreate", "onValue",  # scripting
}
# containers/panel.mjs: Panel.defaults() extends Widget
PANEL = WIDGET | {"variables", "traversing", "colorBg", "layout", "justify", "gridTemplate", "contain", "scroll",
                  "innerPadding", "tabsPosition", "widgets", "tabs", "onTouch"}
VERIFIED: dict[str, set[str]] = {
    "panel": PANEL,
    # containers/root.mjs: drops visible, left, top, expand and some stroke/fill styles; adds hideMenu, onPreload
    "root": (PANEL - {"visible", "left", "top", "expand", "colorFill", "colorStroke", "alphaStroke", "alphaFillOff",
                      "lineWidth"}) | {"hideMenu", "onPreload"},
    # containers/tab.mjs: drops all geometry and stroke/alpha styles; adds label
    "tab": (PANEL - {"left", "top", "width", "height", "expand", "colorStroke", "alphaStroke", "alphaFillOff",
                     "alphaFillOn", "lineWidth"}) | {"label"},
    # basics/button.mjs
    "button": WIDGET | {"colorTextOn", "label", "vertical", "wrap", "on", "off", "mode", "doubleTap", "decoupled"},
    # basics/switch.mjs (basics/menu-base.mjs adds no properties)
    "switch": WIDGET | {"colorTextOn", "layout", "gridTemplate", "wrap", "values", "mode"},
    # basics/input.mjs (noCanvas left out: new in 1.30.0, CHANGELOG.md)
    "input": WIDGET | {"align", "unit", "asYouType", "numeric", "validation", "maxLength"},
    # sliders/fader.mjs (sliders/slider.mjs and common/canvas.mjs add no properties)
    "fader": WIDGET | {"design", "knobSize", "colorKnob", "horizontal", "pips", "dashed", "gradient", "snap",
                       "touchZone", "spring", "doubleTap", "range", "logScale", "sensitivity", "steps", "origin",
                       "onTouch"},
    # indicators/text.mjs: drops typeTags and ignoreDefaults
    "text": (WIDGET - {"typeTags", "ignoreDefaults"}) | {"vertical", "wrap", "align"},
    # graphs/plot.mjs: drops decimals, typeTags, bypass (always bypassed), ignoreDefaults
    "plot": (WIDGET - {"decimals", "typeTags", "bypass", "ignoreDefaults"})
    | {"dots", "bars", "pips", "rangeX", "rangeY", "logScaleX", "logScaleY", "origin"},
    # scripts/variable.mjs: drops visible, interaction, geometry and style
    "variable": WIDGET - {"visible", "interaction", "left", "top", "width", "height", "expand", "colorText",
                          "colorWidget", "colorStroke", "colorFill", "alphaStroke", "alphaFillOff", "alphaFillOn",
                          "lineWidth", "borderRadius", "padding", "html", "css"},
    # scripts/script-widget.mjs: same drops, scripting replaced (onCreate, onValue, onKeyboard, key*)
    "script": WIDGET - {"visible", "interaction", "left", "top", "width", "height", "expand", "colorText",
                        "colorWidget", "colorStroke", "colorFill", "alphaStroke", "alphaFillOff", "alphaFillOn",
                        "lineWidth", "borderRadius", "padding", "html", "css"}
    | {"onKeyboard", "keyBinding", "keyRepeat", "keyType"},
}
# enumerated properties: their `choices` in the same files
CHOICES: dict[tuple[str, str], set[Any]] = {
    ("button", "mode"): {"toggle", "push", "momentary", "tap"},
    ("switch", "mode"): {"tap", "slide", "click", "flip"},
    ("switch", "layout"): {"vertical", "horizontal", "grid"},
    ("panel", "layout"): {"default", "vertical", "horizontal", "grid"},
    ("tab", "layout"): {"default", "vertical", "horizontal", "grid"},
    ("fader", "design"): {"default", "round", "compact"},
    ("input", "align"): {"center", "left", "right"},
    ("text", "align"): {"center", "left", "right", "top", "bottom", "left top", "left bottom", "right top",
                        "right bottom"},
}
# the newest old-session converter (src/client/managers/session/session.mjs); a session stamped
# with a later version is loaded as written
LAST_CONVERTER = (1, 24, 2)


def _session() -> dict[str, Any]:
    return json.loads(SESSION.read_text(encoding="utf-8"))


def _widgets() -> list[dict[str, Any]]:
    return list(ex.walk(_session()["content"]))


def test_the_file_is_a_1x_session_with_three_tabs() -> None:
    data = _session()
    assert list(data) == ["version", "createdWith", "type", "content"], list(data)
    assert data["type"] == "session" and data["createdWith"] == "Open Stage Control"
    version = tuple(int(p) for p in data["version"].split("."))
    assert len(version) == 3 and (1, 0, 0) <= version and version > LAST_CONVERTER, data["version"]
    root = data["content"]
    assert root["type"] == "root" and root["id"] == "root" and "widgets" not in root
    assert [t["label"] for t in root["tabs"]] == ["Perform", "Atoms", "Setup"]
    for widget in ex.walk(root):
        # "A panel cannot contain widgets and tabs simultaneously" (panel.mjs); tabs only in the root
        assert not ("tabs" in widget and "widgets" in widget), widget["id"]
        assert all(t["type"] == "tab" for t in widget.get("tabs", [])), widget["id"]
        assert widget["type"] == "root" or "tabs" not in widget, widget["id"]


def test_every_widget_has_a_unique_id() -> None:
    ids = [w.get("id") for w in _widgets()]
    assert all(isinstance(i, str) and i and i != "auto" for i in ids), ids
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, duplicates


def test_every_widget_type_and_property_is_one_the_app_defines() -> None:
    problems = []
    for widget in _widgets():
        kind = widget["type"]
        if kind not in VERIFIED:
            problems.append(f"{widget['id']}: widget type {kind!r} not verified")
            continue
        problems += [f"{widget['id']}: {kind} has no property {p!r}" for p in sorted(set(widget) - VERIFIED[kind])]
        for (k, prop), allowed in CHOICES.items():
            if kind == k and prop in widget and widget[prop] not in allowed:
                problems.append(f"{widget['id']}: {prop} {widget[prop]!r} not in {sorted(allowed)}")
    assert not problems, "\n".join(problems)


def test_the_file_is_what_the_generator_writes() -> None:
    sys.path.insert(0, str(SURFACE))
    try:
        from make_sidl_surface import build
    finally:
        sys.path.pop(0)
    assert build() == SESSION.read_text(encoding="utf-8"), \
        "sidl-open-stage-control.json is stale: python max_patches/surface/make_sidl_surface.py"


# ---------------------------------------------------------------------------------------------
# what the layout sends, rebuilt as Open Stage Control would and fed to the daemon's validator
TABLE_LETTER = {"int": "i", "float": "f", "str": "s"}


def _concrete(value: Any, widget: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> Any:
    """A value the widget could send: @{id} is the other widget's default; free text a sample."""
    if isinstance(value, str) and (ref := re.fullmatch(r"@\{(\w+)\}", value)):
        return by_id[ref.group(1)]["default"]
    if value is None:  # an input: its default, or a model name for the model path field
        return widget.get("default", "drums")
    return value


def _messages() -> list[tuple[str, str, list[str], list[Any]]]:
    """(where, address, OSC type letters, arguments) for every message the layout can send."""
    widgets = _widgets()
    by_id = {w["id"]: w for w in widgets}
    out = []
    for widget in widgets:
        if ex._is_sender(widget):
            letters = ex.wire_letters(widget)
            alternatives = ex.value_alternatives(widget)
            if widget["type"] == "fader":  # the ends and the middle of the range
                alternatives.append([(alternatives[0][0] + alternatives[1][0]) / 2])
            for values in alternatives:
                args = [_concrete(v, widget, by_id) for v in ex.pre_args(widget) + values]
                out.append((widget["id"], ex.address_of(widget), letters, args))
        for prop, _, address, args in ex.script_sends(widget):
            values = [a[1:-1] if a.startswith("'") else float(a) for _, a in args]
            out.append((f"{widget['id']}.{prop}", address, [letter for letter, _ in args], values))
    return out


def _osc(address: str, letters: list[str], args: list[Any]) -> bytes:
    builder = OscMessageBuilder(address)
    for letter, value in zip(letters, args):
        # Open Stage Control's server: parseInt for 'i', parseFloat for 'f' (src/server/node/osc/index.mjs)
        builder.add_arg(int(value) if letter == "i" else float(value) if letter == "f" else str(value), letter)
    return builder.build().dgram


def _type_tags(dgram: bytes) -> str:
    """The OSC type tag string after the (4-byte padded) address, without its comma."""
    start = (dgram.index(b"\0") // 4 + 1) * 4
    return dgram[start + 1:dgram.index(b"\0", start)].decode()


def test_every_message_reaches_the_daemon_with_the_table_types_and_in_range() -> None:
    messages = _messages()
    assert len(messages) > 40, len(messages)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as rx, socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as tx:
        rx.bind(("127.0.0.1", 0))
        rx.settimeout(1.0)
        problems = []
        for where, address, letters, args in messages:
            tx.sendto(_osc(address, letters, args), rx.getsockname())
            message = OscMessage(rx.recv(65536))
            wire = _type_tags(message.dgram)
            table = BY_PATH[message.address]
            wanted = "".join(TABLE_LETTER[a.kind] for a in table.args)
            if wire != wanted:
                problems.append(f"{where}: {address} goes out as ,{wire}; the table wants ,{wanted}")
            _, notes = validate(message.address, message.params)
            problems += [f"{where}: {note}" for note in notes]
        assert not problems, "\n".join(problems)
    sent = {address for _, address, _, _ in messages}
    assert {a.path for a in BY_PATH.values() if a.performer} <= sent


def test_the_session_registers_on_load_with_the_port_the_readme_starts_it_on() -> None:
    root = _session()["content"]
    sends = ex.script_sends(root)
    assert [(p, a) for p, _, a, _ in sends] == [("onCreate", "/sidl/register"), ("onCreate", "/sidl/query")]
    (_, target, _, args), = [s for s in sends if s[2] == "/sidl/register"]
    assert target == f"127.0.0.1:{DEFAULT_PORT}" and args[0][0] == "i"
    port = int(args[0][1])
    reconnect = next(w for w in _widgets() if w["id"] == "reconnect")
    assert (reconnect["address"], reconnect["on"], reconnect["typeTags"]) == ("/sidl/register", port, "i")
    readme = (SURFACE / "README.md").read_text(encoding="utf-8")
    command = next(line for line in readme.splitlines() if line.startswith("open-stage-control "))
    assert f"--osc-port {port}" in command and "--load max_patches/surface/sidl-open-stage-control.json" in command
    # the server's option names (src/server/node/options.mjs)
    assert set(re.findall(r"--[\w-]+", command)) <= {"--load", "--osc-port", "--port", "--send", "--no-gui"}


def test_feedback_from_the_daemon_lands_in_a_display_that_unpacks_it() -> None:
    widgets = _widgets()
    by_id = {w["id"]: w for w in widgets}
    feedback = {"/sidl/bar": [12, 3], "/sidl/activity": [0.5] * 1024, "/sidl/stats": [812.5, 0],
                "/sidl/tempo/now": [120.0, "internal"], "/sidl/error": ["scene 3 is empty"], "/sidl/state": ["{}"]}
    for address, args in feedback.items():
        message = OscMessage(build_message(address, args))
        # Open Stage Control routes by address and a preArgs prefix (src/client/managers/widgets.mjs)
        shown = [w for w in widgets if ex.expected_types(w) is not None and ex.address_of(w) == message.address
                 and message.params[:len(ex.pre_args(w))] == ex.pre_args(w)]
        assert shown, f"nothing displays {address}"
        for widget in shown:
            types = ex.expected_types(widget)
            kinds = tuple(STRING if isinstance(p, str) else NUMBER for p in message.params)
            assert types == kinds[:len(types)], (widget["id"], types, kinds)
    # the formulas only index arguments their receiver unpacks
    for widget in widgets:
        for ref, index in re.findall(r"@\{(\w+)\}(?:\[(\d+)\])?", str(widget.get("value", ""))):
            assert ref in by_id, f"{widget['id']} shows unknown widget {ref}"
            if index:
                assert int(index) < len(ex.expected_types(by_id[ref]) or ()), (widget["id"], ref, index)
    # the /sidl/state reply moves existing widgets only
    script = by_id["state_sync"]["onValue"]
    assert set(re.findall(r"set\('(\w+)'", script)) <= set(by_id)


def _strict(tmp_path: Path, change: Any) -> None:
    data = _session()
    change(data["content"])
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError):
        ex.uses(path)


def _find(root: dict[str, Any], id_: str) -> dict[str, Any]:
    return next(w for w in ex.walk(root) if w["id"] == id_)


@pytest.mark.parametrize("change", [
    pytest.param(lambda r: r.update(onCreate="send('127.0.0.1:9000', '/sidl/register', port)"), id="unreadable-send"),
    pytest.param(lambda r: r.update(onCreate="set('denoise', 1)"), id="set-that-would-send"),
    pytest.param(lambda r: r.update(onCreate="stateSet({})"), id="stateSet"),
    pytest.param(lambda r: _find(r, "tab_perform").pop("bypass"), id="tab-without-bypass"),
    pytest.param(lambda r: _find(r, "denoise").pop("target"), id="sender-without-target"),
    pytest.param(lambda r: _find(r, "mode").update(typeTags="i"), id="typeTags-contradict-values"),
    pytest.param(lambda r: _find(r, "model_path").update(typeTags=""), id="input-without-typeTags"),
    pytest.param(lambda r: _find(r, "fb_bar").update(typeTags=""), id="receiver-without-types"),
    pytest.param(lambda r: _find(r, "panic").update(type="encoder"), id="unmodelled-widget"),
])
def test_the_extractor_refuses_what_it_cannot_read(tmp_path: Path, change: Any) -> None:
    _strict(tmp_path, change)


def test_the_extractor_sees_a_change_in_the_file(tmp_path: Path) -> None:
    data = _session()
    _find(data["content"], "denoise")["address"] = "/sidl/denoise/amount"
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(data))
    assert "/sidl/denoise/amount" in {u.address for u in ex.uses(path)}
    assert "/sidl/denoise" not in {u.address for u in ex.uses(path)}
