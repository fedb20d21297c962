"""The Pd panel: generated, read strictly by its contract reader, and driving a live bridge from real Pd."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import extract_pd
from client_contract import NUMBER, STRING

ROOT = Path(__file__).resolve().parents[2]
PD_PATCH = ROOT / "max_patches" / "pd" / "sidl.pd"


def test_pd_patch_is_what_its_generator_writes() -> None:
    sys.path.insert(0, str(PD_PATCH.parent))
    try:
        from make_sidl_pd import build
    finally:
        sys.path.pop(0)
    assert build() == PD_PATCH.read_text(), "sidl.pd is stale: python max_patches/pd/make_sidl_pd.py"


BAD_PATCH = """#N canvas 0 0 400 300 12;
#X obj 10 10 r sidl-ctl;
#X obj 10 40 route denoise;
#X obj 10 70 list;
#X obj 10 100 oscformat sidl denoise;
#X obj 10 130 s sidl-ctl;
#X obj 200 10 mystery;
#X msg 200 40 denoise \\$1;
#X connect 0 0 1 0;
#X connect 1 0 2 0;
#X connect 2 0 3 0;
#X connect 5 0 6 0;
#X connect 6 0 4 0;
"""


def test_the_pd_reader_types_control_values_and_refuses_what_it_cannot(tmp_path: Path) -> None:
    uses = {(u.address, u.types) for u in extract_pd.uses(PD_PATCH) if u.direction == "send"}
    assert ("/sidl/denoise", (NUMBER,)) in uses and ("/sidl/mode", (STRING,)) in uses
    assert ("/sidl/atom/mute", (NUMBER, NUMBER)) in uses and ("/sidl/model", (STRING,)) in uses
    bad = tmp_path / "bad.pd"
    bad.write_text(BAD_PATCH)
    with pytest.raises(ValueError, match="cannot type the values 'mystery'"):
        extract_pd.uses(bad)
    bad.write_text(BAD_PATCH.replace("#X obj 200 10 mystery;", "#X floatatom 200 10 5 0 0 0 - - - 0;"))
    assert [u.types for u in extract_pd.uses(bad) if u.direction == "send"] == [(NUMBER,)]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_real_pd_drives_the_bridge_and_hears_its_feedback(jack_server: object) -> None:
    if shutil.which("pd") is None:
        pytest.skip("Pd is not installed (.ci/run installs puredata-core)")
    from pythonosc.osc_message import OscMessage

    from sidl.bridge.live.osc_server import build_message

    osc_port, feedback_port = _free_port(), _free_port()
    bridge = subprocess.Popen([sys.executable, "-m", "sidl", "run", "--backend", "jack", "--bpm", "240",
                               "--mode", "generate", "--osc-port", str(osc_port)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert bridge.stdout is not None and bridge.stdout.readline().startswith("sidl: ready ")
        # what the panel's GUI objects send when moved (slider, radio cell, number box, toggle, bang), and
        # control lines as a headless patch would send them
        sends = [f"sidl-connect {osc_port}", f"sidl-listen {feedback_port}", "sidl-gui-denoise 0.7",
                 "sidl-gui-tempo 100", "sidl-gui-atom 3", "sidl-gui-mute 1", "sidl-gui-gain 2", "sidl-gui-mode 1",
                 "sidl-gui-slot 2", "sidl-gui-select bang", "sidl-ctl temperature 2.5", "sidl-ctl solo 5 1"]
        pd = subprocess.Popen(["pd", "-nogui", "-nosound", "-nomidi", "-stderr", "-open", str(PD_PATCH),
                               *[arg for s in sends for arg in ("-send", s)]],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(3.5)  # the bridge sends feedback every bar (0.6 s at 100 BPM)
        pd.terminate()
        _, pd_log = pd.communicate(timeout=10)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(2.0)
            sock.sendto(build_message("/sidl/query", []), ("127.0.0.1", osc_port))
            state = json.loads(OscMessage(sock.recv(65536)).params[0])
    finally:
        bridge.terminate()
        bridge.wait(timeout=10)
    assert state["denoise"] == pytest.approx(0.7) and state["bpm"] == pytest.approx(100.0)
    assert state["mute"] == [3] and state["solo"] == [5] and state["gain"] == {"3": pytest.approx(2.0)}
    assert state["requested_mode"] == "filter" and state["scene"] == 2
    assert state["temperature"] == pytest.approx(2.5)
    assert "sidl-feedback: bar" in pd_log, pd_log[-2000:]
