"""`sidl demo` is torch-free, and every model the README calls shipped loads in the runtime."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import mido
import numpy as np
import pytest

from sidl.bridge.demo import hit_f1, run_demo
from sidl.bridge.engine import Engine, bundled_names
from sidl.bridge.errors import CodecMismatchError, ParameterError

ROOT = Path(__file__).resolve().parents[2]


def readme_shipped_names() -> list[str]:
    """The names in the first column of the README's "Shipped models" table."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## Shipped models\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([^`]+)` \|", section, flags=re.MULTILINE)


@pytest.mark.parametrize("name", readme_shipped_names())
def test_every_model_the_readme_calls_shipped_loads_by_name(name: str) -> None:
    engine = Engine.load(name, warmup=0)
    assert engine.info.name == name


def test_the_readme_table_lists_every_bundled_model() -> None:
    names = readme_shipped_names()
    assert {"drums", "piano", "seed-drums"} <= set(names)
    assert set(bundled_names()) == set(names)


def test_demo_writes_playable_midi_without_torch(tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        import sys
        sys.modules["torch"] = None  # any import of torch now fails
        from sidl.cli import main
        code = main(["demo", "--out", {str(tmp_path)!r}, "--bars", "2"])
        assert "torch" not in [m for m in sys.modules if sys.modules[m] is not None]
        argument_modules = {{"sidl.models", "sidl.models.cli_args", "sidl.export", "sidl.export.cli_args"}}
        assert {{m for m in sys.modules if m.startswith(("sidl.models", "sidl.export"))}} <= argument_modules
        sys.exit(code)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "model 'drums' (top-4 over bar) on a generated 2-bar groove" in done.stdout
    assert "bar 1:" in done.stdout and "bar 2:" in done.stdout and "bar 3:" not in done.stdout
    assert "hit F1 vs the input: reconstruction" in done.stdout
    for name in ("input", "reconstruction", "noisy", "denoised"):
        midi = mido.MidiFile(str(tmp_path / f"{name}.mid"))
        notes = [m for m in midi if m.type == "note_on" and m.velocity > 0]
        assert notes and all(m.channel == 9 for m in notes)


def test_demo_is_deterministic_and_the_model_repairs_damage(tmp_path: Path) -> None:
    a = run_demo(tmp_path / "a", bars=4, seed=7)
    b = run_demo(tmp_path / "b", bars=4, seed=7)
    assert [c.atoms for c in a.codes] == [c.atoms for c in b.codes] and len(a.codes) == 4
    for name in ("input", "reconstruction", "noisy", "denoised"):
        assert (tmp_path / "a" / f"{name}.mid").read_bytes() == (tmp_path / "b" / f"{name}.mid").read_bytes()
    assert a.reconstruction_f1 > 0.9 and a.noisy_f1 < 1.0
    assert all(len(bar.atoms) <= 4 for bar in a.codes)  # top-4 per bar


def test_demo_runs_on_seed_drums_and_refuses_piano(tmp_path: Path) -> None:
    result = run_demo(tmp_path, model="seed-drums", bars=2)
    assert result.model == "seed-drums" and result.rule == "top-1 over atoms"
    with pytest.raises(CodecMismatchError, match="piano model"):
        run_demo(tmp_path / "p", model="piano")
    with pytest.raises(ParameterError, match="--bars"):
        run_demo(tmp_path / "z", bars=0)


def test_hit_f1_counts_cells() -> None:
    ref = np.zeros((27, 4), np.float32)
    ref[0, 0] = ref[1, 2] = 1.0
    est = ref.copy()
    assert hit_f1(ref, est, 9) == 1.0
    est[1, 2], est[2, 3] = 0.0, 1.0  # one miss, one false alarm
    assert hit_f1(ref, est, 9) == pytest.approx(0.5)
    assert hit_f1(np.zeros_like(ref), np.zeros_like(ref), 9) == 1.0
