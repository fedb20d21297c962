"""The Pd panel: generated, read strictly by its contract reader, and driving a live bridge from real Pd."""

from __future__ import annotations

import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
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


def _start_bridge(*args: str) -> tuple[subprocess.Popen[str], int]:
    """``sidl run`` on JACK with ``args``, on a free OSC port; returned once it answers /sidl/query."""
    from sidl.bridge.live.osc_server import build_message

    osc_port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "sidl", "run", "--backend", "jack", "--osc-port", str(osc_port),
                                *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(0.5)
        for _ in range(120):  # loading the model takes seconds; 60 s at most
            if process.poll() is not None:
                raise AssertionError(f"sidl run exited: {process.stderr.read() if process.stderr else ''}")
            sock.sendto(build_message("/sidl/query", []), ("127.0.0.1", osc_port))
            try:
                sock.recv(65536)
                return process, osc_port
            except OSError:
                continue
    process.terminate()
    raise AssertionError("sidl run never answered /sidl/query")


def test_real_pd_drives_the_bridge_and_hears_its_feedback(jack_server: object) -> None:
    if shutil.which("pd") is None:
        pytest.skip("Pd is not installed (.ci/run installs puredata-core)")
    from pythonosc.osc_message import OscMessage

    from sidl.bridge.live.osc_server import build_message

    feedback_port = _free_port()
    bridge, osc_port = _start_bridge("--bpm", "240", "--mode", "generate")
    try:
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
    # feedback arrived every bar and nothing was printed for it: the Pd window stays quiet (the patch's
    # [print]s are all named sidl-…; only errors may print)
    printed = [line for line in pd_log.splitlines() if line.startswith("sidl-") and not line.startswith("sidl-error:")]
    assert not printed, pd_log[-2000:]


# A probe opened next to the panel: it prints what the panel's logic sends to the controls
# ("set …" on the sidl-set-* names), the error display and lamp, and turns an OSC /reconnect from the
# test into a press of the panel's reconnect button, /atom N into typing N in the atom number box.
PROBE = """#N canvas 0 0 400 400 12;
{receivers}#X obj 10 10 netreceive -u -b {port};
#X obj 10 40 oscparse;
#X obj 10 70 list trim;
#X obj 10 100 route reconnect atom;
#X obj 10 130 t b b;
#X obj 10 160 print probe-reconnect;
#X obj 100 160 s sidl-reconnect;
#X obj 150 130 s sidl-gui-atom;
#X connect {n0} 0 {n1} 0;
#X connect {n1} 0 {n2} 0;
#X connect {n2} 0 {n3} 0;
#X connect {n3} 0 {n4} 0;
#X connect {n4} 1 {n5} 0;
#X connect {n4} 0 {n6} 0;
#X connect {n3} 1 {n7} 0;
"""
PROBED = ["sidl-set-mode", "sidl-set-clock", "sidl-set-tempo", "sidl-set-denoise", "sidl-set-morph", "sidl-set-model",
          "sidl-set-model-path", "sidl-set-mute", "sidl-show-error", "sidl-show-error-lamp"]


def _probe(path: Path, port: int) -> Path:
    lines = []
    for i, name in enumerate(PROBED):
        lines += [f"#X obj 200 {30 * i} r {name};", f"#X obj 300 {30 * i} print probe-{name};"]
    connects = [f"#X connect {2 * i} 0 {2 * i + 1} 0;" for i in range(len(PROBED))]
    base = 2 * len(PROBED)
    text = PROBE.format(receivers="\n".join(lines) + "\n", port=port, **{f"n{k}": base + k for k in range(8)})
    path.write_text(text + "\n".join(connects) + "\n")
    return path


class Lines:
    """The lines a process writes to a pipe, read on a thread, waited for with a deadline."""

    def __init__(self, pipe: object) -> None:
        self.seen: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, args=(pipe,), daemon=True).start()

    def _read(self, pipe: object) -> None:
        for line in pipe:  # type: ignore[attr-defined]
            self._queue.put(line.rstrip("\n"))

    def wait_for(self, text: str, deadline_s: float = 15.0) -> str:
        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            try:
                line = self._queue.get(timeout=0.1)
            except queue.Empty:
                continue
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"Pd never printed {text!r}; it printed {self.seen[-30:]}")

    def drain(self) -> list[str]:
        while True:
            try:
                self.seen.append(self._queue.get_nowait())
            except queue.Empty:
                return self.seen


@pytest.fixture
def bridge(jack_server: object) -> Iterator[int]:
    """A bridge in generate mode at 100 BPM with denoise 0.4: not what the panel shows at load."""
    process, osc_port = _start_bridge("--bpm", "100", "--mode", "generate", "--denoise", "0.4")
    try:
        yield osc_port
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_real_pd_follows_the_bridge_at_open_after_reconnect_and_shows_errors(bridge: int, tmp_path: Path) -> None:
    if shutil.which("pd") is None:
        pytest.skip("Pd is not installed (.ci/run installs puredata-core)")
    from sidl.bridge.live.osc_server import build_message

    feedback_port, probe_port = _free_port(), _free_port()
    probe = _probe(tmp_path / "probe.pd", probe_port)
    pd = subprocess.Popen(["pd", "-nogui", "-nosound", "-nomidi", "-stderr", "-open", str(PD_PATCH), "-open", str(probe),
                           "-send", f"sidl-connect {bridge}", "-send", f"sidl-listen {feedback_port}",
                           "-send", "sidl-gui-atom 3"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines = Lines(pd.stderr)
    try:
        # at open: the state the bridge started with, not the panel's defaults (loop, tempo 0)
        lines.wait_for("probe-sidl-set-mode: set 2")  # generate
        for expected in ("probe-sidl-set-tempo: set 100", "probe-sidl-set-denoise: set 0.4",
                         "probe-sidl-set-clock: set 0", "probe-sidl-set-model: set 0",
                         "probe-sidl-set-model-path: set drums"):
            assert any(expected in line for line in lines.drain()), (expected, lines.seen)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            # another client changes the bridge: mode filter, atom 3 muted; then the panel reconnects
            sock.sendto(build_message("/sidl/mode", ["filter"]), ("127.0.0.1", bridge))
            sock.sendto(build_message("/sidl/atom/mute", [3, 1]), ("127.0.0.1", bridge))
            sock.sendto(build_message("/reconnect", []), ("127.0.0.1", probe_port))
            lines.wait_for("probe-reconnect")
            lines.wait_for("probe-sidl-set-mode: set 1")
            lines.wait_for("probe-sidl-set-mute: set 1")
            # atom 1 is not muted: the state's "atom_edits" object counts one mute ("mute": 1), a
            # count that a reader of the outer keys only must not take for an atom
            sock.sendto(build_message("/atom", [1.0]), ("127.0.0.1", probe_port))
            assert lines.wait_for("probe-sidl-set-mute:").endswith("set 0")
            # an error: this host's registered clients hear it too; the lamp lights, the text shows
            sock.sendto(build_message("/sidl/scene/recall", [9]), ("127.0.0.1", bridge))
            lines.wait_for("probe-sidl-show-error-lamp: color")
        assert [line for line in lines.drain() if line.startswith("probe-sidl-show-error:") and "scene 9 is empty" in line]
    finally:
        pd.terminate()
        pd.wait(timeout=10)
    printed = [line for line in lines.drain() if line.startswith("sidl-") and not line.startswith("sidl-error:")]
    assert not printed, f"Pd printed {printed[:10]}"


def test_the_error_lamp_starts_dark_and_choices_have_no_number_legends() -> None:
    text = PD_PATCH.read_text()
    lamps = [line for line in text.splitlines() if " cnv " in line and "sidl-show-error-lamp" in line]
    assert len(lamps) == 1 and "#404040" in lamps[0], lamps  # dark grey until the first error
    assert "0=loop" not in text and "0=internal" not in text and "0=drums" not in text
