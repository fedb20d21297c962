"""The clients in max_patches/ speak the daemon's OSC table, and the Pd patch works in real Pd."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bridge.live.osc_table import BY_PATH

ROOT = Path(__file__).resolve().parents[1]
PD_PATCH = ROOT / "max_patches" / "pd" / "sidl.pd"


def pd_addresses(text: str) -> set[str]:
    return {"/" + "/".join(m.split()) for m in re.findall(r"#X obj \d+ \d+ oscformat ([^;]+);", text)}


def test_pd_patch_sends_only_table_addresses_and_is_generated() -> None:
    text = PD_PATCH.read_text()
    sent = pd_addresses(text)
    assert sent, "no oscformat objects found"
    unknown = sorted(a for a in sent if a not in BY_PATH or BY_PATH[a].direction != "in")
    assert not unknown, f"addresses the daemon does not define: {unknown}"
    inputs = {a.path for a in BY_PATH.values() if a.direction == "in"}
    assert inputs <= sent, f"table addresses the Pd patch cannot send: {sorted(inputs - sent)}"
    sys.path.insert(0, str(PD_PATCH.parent))
    try:
        from make_sidl_pd import build
    finally:
        sys.path.pop(0)
    assert build() == text, "sidl.pd is stale: python max_patches/pd/make_sidl_pd.py"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_real_pd_drives_the_bridge_and_hears_its_feedback(jack_server: object) -> None:
    if shutil.which("pd") is None:
        pytest.skip("Pd is not installed (.ci/run installs puredata-core)")
    from pythonosc.osc_message import OscMessage

    from bridge.live.osc_server import build_message

    osc_port, feedback_port = _free_port(), _free_port()
    bridge = subprocess.Popen([sys.executable, "-m", "bridge", "run", "--backend", "jack", "--bpm", "240",
                               "--mode", "generate", "--osc-port", str(osc_port)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert bridge.stdout is not None and bridge.stdout.readline().startswith("sidl: ready ")
        sends = [f"sidl-connect {osc_port}", f"sidl-listen {feedback_port}", "sidl-ctl denoise 0.7",
                 "sidl-ctl tempo 100", "sidl-ctl mute 3 1", "sidl-ctl mode filter"]
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
    assert state["mute"] == [3] and state["requested_mode"] == "filter"
    assert "sidl-feedback: bar" in pd_log, pd_log[-2000:]
