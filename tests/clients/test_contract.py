"""One contract for every client in max_patches/: the daemon's OSC address table.

Each client file is read by the extractor for its format (extract_pd, extract_max, extract_surface),
never by importing its generator. Every address a client sends must be an input of the table with
the right number and kinds of arguments (and fixed values within the table's choices and ranges);
every feedback address it unpacks must be an output of the table; every performer control must be
reachable from every client; and each client sends to the bridge's port.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pytest
from client_contract import NUMBER, STRING, ClientUse

from sidl.bridge.live.osc_table import BY_PATH, DEFAULT_PORT, TABLE, Address

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = ROOT / "max_patches"
# client file (relative to max_patches/) -> the extractor module for its format
CLIENT_FILES = {
    "pd/sidl.pd": "extract_pd",
    "sidl.maxpat": "extract_max",
    "m4l/sidl-device.maxpat": "extract_max",
    "m4l/sidl.amxd": "extract_max",
    "surface/sidl-open-stage-control.json": "extract_surface",
}
CLIENT_SUFFIXES = {".pd", ".maxpat", ".amxd", ".json", ".tosc", ".touchosc"}
PERFORMER = sorted(a.path for a in TABLE if a.performer)
# keys of the /sidl/state JSON (bridge/live/daemon.py LiveBridge.state) → the control they move; the
# mode control follows "requested_mode" (what was asked for; "mode" is what plays until the next bar)
STATE_FOLLOWED = {"requested_mode": "/sidl/mode", "bpm": "/sidl/tempo", "clock": "/sidl/clock",
                  "model": "/sidl/model", "denoise": "/sidl/denoise", "morph": "/sidl/morph",
                  "mute": "/sidl/atom/mute"}
# per-bar feedback (argument index) → the control it moves
PER_BAR_FOLLOWED = {"/sidl/tempo/now#0": "/sidl/tempo", "/sidl/tempo/now#1": "/sidl/clock"}
# the choices a client shows by name (in this order), by the address they send
LABELLED = {"/sidl/mode": BY_PATH["/sidl/mode"].args[0].choices, "/sidl/clock": BY_PATH["/sidl/clock"].args[0].choices,
            "/sidl/model": ("drums", "piano")}  # the bundled models (any other is typed as a name or path)


def _extractor(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError:  # pragma: no cover - only while a client format is being added
        pytest.fail(f"tests/clients/{name}.py is missing")


def check_use(use: ClientUse) -> list[str]:
    """What is wrong with one use, against the table (empty when it conforms)."""
    address = BY_PATH.get(use.address)
    wanted = "in" if use.direction == "send" else "out"
    if address is None:
        return [f"{use.where}: {use.address} is not in the OSC table (docs/osc.md)"]
    if address.direction != wanted:
        role = "an input of the bridge" if address.direction == "in" else "feedback from the bridge"
        return [f"{use.where}: {use.address} is {role}, but the client {use.direction}s it"]
    if use.direction == "expect" and not use.types:
        return []
    return _check_arguments(use, address)


def _check_arguments(use: ClientUse, address: Address) -> list[str]:
    problems = []
    count, expected = len(use.types), len(address.args)
    if count < expected or (count > expected and not address.variadic):
        problems.append(f"{use.where}: {use.address} takes {expected} argument(s), the client uses {count}")
        return problems
    for i, kind in enumerate(use.types):
        arg = address.args[min(i, expected - 1)]
        want = STRING if arg.kind == "str" else NUMBER
        if kind != want:
            problems.append(f"{use.where}: {use.address} argument {arg.name} must be {want}, the client uses {kind}")
            continue
        literal = use.literals[i] if i < len(use.literals) else None
        if literal is None:
            continue
        if arg.kind == "str" and arg.choices and literal not in arg.choices:
            problems.append(f"{use.where}: {use.address} {arg.name} {literal!r} is not one of {arg.choices}")
        too_low = arg.low is not None and float(literal) < arg.low
        too_high = arg.high is not None and float(literal) > arg.high
        if arg.kind != "str" and (too_low or too_high):
            problems.append(f"{use.where}: {use.address} {arg.name} {literal!r} is outside {arg.low}..{arg.high}")
    return problems


@pytest.fixture(scope="module", params=sorted(CLIENT_FILES))
def client(request: pytest.FixtureRequest) -> tuple[str, list[ClientUse], list[int]]:
    path = CLIENTS / request.param
    assert path.is_file(), f"client file {path} is missing"
    extractor = _extractor(CLIENT_FILES[request.param])
    return request.param, extractor.uses(path), extractor.target_ports(path)


def test_every_client_file_has_an_extractor() -> None:
    found = {p.relative_to(CLIENTS).as_posix() for p in CLIENTS.rglob("*") if p.suffix in CLIENT_SUFFIXES}
    unchecked = sorted(found - set(CLIENT_FILES))
    assert not unchecked, f"client files the contract test does not read: {unchecked}"


def test_every_address_and_argument_is_in_the_table(client: tuple[str, list[ClientUse], list[int]]) -> None:
    name, uses, _ = client
    assert any(u.direction == "send" for u in uses), f"{name}: no OSC sends found"
    problems = [problem for use in uses for problem in check_use(use)]
    assert not problems, "\n".join(problems)


def test_every_performer_control_is_exposed(client: tuple[str, list[ClientUse], list[int]]) -> None:
    name, uses, _ = client
    sent = {u.address for u in uses if u.direction == "send"}
    missing = [a for a in PERFORMER if a not in sent]
    assert not missing, f"{name} does not expose the performer controls {missing}"


def test_sends_to_the_bridge_port_and_registers_for_feedback(client: tuple[str, list[ClientUse], list[int]]) -> None:
    name, uses, ports = client
    assert ports and set(ports) == {DEFAULT_PORT}, f"{name} sends to UDP ports {ports}, the bridge listens on {DEFAULT_PORT}"
    expects = {u.address for u in uses if u.direction == "expect"}
    assert {"/sidl/bar", "/sidl/activity"} <= expects, f"{name} displays only {sorted(expects)}"
    assert "/sidl/register" in {u.address for u in uses if u.direction == "send"}, \
        f"{name} shows feedback but never sends /sidl/register, so it would receive none"


@pytest.fixture(scope="module", params=sorted(CLIENT_FILES))
def client_file(request: pytest.FixtureRequest) -> tuple[Path, ModuleType]:
    return CLIENTS / request.param, _extractor(CLIENT_FILES[request.param])


def test_asks_for_the_state_when_it_opens_and_after_reconnect(client_file: tuple[Path, ModuleType]) -> None:
    path, extractor = client_file
    triggers = extractor.query_triggers(path)
    assert {"open", "reconnect"} <= triggers, f"{path.name} sends /sidl/query only on {sorted(triggers)}"


def test_the_state_reply_moves_the_controls(client_file: tuple[Path, ModuleType]) -> None:
    path, extractor = client_file
    moved = {(f.source, f.address) for f in extractor.followers(path)}
    missing = [f"{key} → {address}" for key, address in STATE_FOLLOWED.items() if (f"state:{key}", address) not in moved]
    assert not missing, f"{path.name}: /sidl/state does not move {missing}"


def test_the_tempo_and_clock_controls_follow_every_bar(client_file: tuple[Path, ModuleType]) -> None:
    path, extractor = client_file
    moved = {(f.source, f.address) for f in extractor.followers(path)}
    missing = [f"{source} → {address}" for source, address in PER_BAR_FOLLOWED.items() if (source, address) not in moved]
    assert not missing, f"{path.name}: per-bar feedback does not move {missing}"


def test_following_the_bridge_sends_nothing_back(client_file: tuple[Path, ModuleType]) -> None:
    path, extractor = client_file
    assert extractor.echoes(path) == [], f"{path.name}: feedback that reaches the bridge again"


def test_nothing_is_printed_every_bar(client_file: tuple[Path, ModuleType]) -> None:
    path, extractor = client_file
    assert extractor.per_bar_prints(path) == []


def test_choices_are_shown_by_name(client_file: tuple[Path, ModuleType]) -> None:
    path, extractor = client_file
    labels = extractor.choice_labels(path)
    for address, names in LABELLED.items():
        assert labels.get(address) == list(names), f"{path.name}: {address} shows {labels.get(address)}"


def test_the_max_for_live_device_forwards_lives_transport() -> None:
    extractor = _extractor("extract_max")
    for name in ("m4l/sidl-device.maxpat", "m4l/sidl.amxd"):
        uses = extractor.uses(CLIENTS / name)
        transport = [u for u in uses if u.address == "/sidl/host/transport" and u.direction == "send"]
        assert transport and all(u.types == (NUMBER, NUMBER, NUMBER) for u in transport), name


@pytest.mark.parametrize(("use", "problem"), [
    (ClientUse("/sidl/volume", "send", (NUMBER,), "w"), "not in the OSC table"),
    (ClientUse("/sidl/bar", "send", (NUMBER, NUMBER), "w"), "feedback from the bridge"),
    (ClientUse("/sidl/denoise", "expect", (NUMBER,), "w"), "an input of the bridge"),
    (ClientUse("/sidl/denoise", "send", (), "w"), "takes 1 argument"),
    (ClientUse("/sidl/denoise", "send", (NUMBER, NUMBER), "w"), "takes 1 argument"),
    (ClientUse("/sidl/mode", "send", (NUMBER,), "w"), "must be str"),
    (ClientUse("/sidl/atom/mute", "send", (NUMBER, STRING), "w"), "on must be number"),
    (ClientUse("/sidl/mode", "send", (STRING,), "w", ("jam",)), "'jam' is not one of"),
    (ClientUse("/sidl/scene/store", "send", (NUMBER,), "w", (16.0,)), "outside 0..15"),
    (ClientUse("/sidl/tempo/now", "expect", (NUMBER,), "w"), "takes 2 argument"),
])
def test_the_contract_check_refuses_what_the_daemon_would(use: ClientUse, problem: str) -> None:
    problems = check_use(use)
    assert problems and problem in problems[0], problems


@pytest.mark.parametrize("use", [
    ClientUse("/sidl/mode", "send", (STRING,), "w", ("filter",)),
    ClientUse("/sidl/activity", "expect", (NUMBER, NUMBER, NUMBER), "w"),
    ClientUse("/sidl/atom/gain", "send", (NUMBER, NUMBER), "w", (None, 2.0)),
    ClientUse("/sidl/stats", "expect", (), "w"),
])
def test_the_contract_check_accepts_what_the_daemon_takes(use: ClientUse) -> None:
    assert check_use(use) == []
