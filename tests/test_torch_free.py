"""`sidl.bridge` is what performers install: it must never import torch (nor sidl.models/sidl.export)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_every_bridge_module_imports_without_torch() -> None:
    result = _run("""
        import importlib, pkgutil, sys
        import sidl.bridge
        names = [m.name for m in pkgutil.walk_packages(sidl.bridge.__path__, "sidl.bridge.")]
        for name in names:
            importlib.import_module(name)
        heavy = sorted(m for m in ("torch", "sidl.models", "sidl.export", "sklearn", "matplotlib") if m in sys.modules)
        print(len(names), heavy)
    """)
    assert result.returncode == 0, result.stderr
    count, heavy = result.stdout.strip().split(" ", 1)
    assert int(count) >= 5, f"expected to import the bridge modules, imported {count}"
    assert heavy == "[]", f"bridge pulled in {heavy}"


def test_help_is_fast_and_imports_neither_torch_nor_onnxruntime() -> None:
    result = _run("""
        import contextlib, io, sys
        from sidl.cli import main
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            try:
                main(["--help"])
            except SystemExit:
                pass
        print("train" in buf.getvalue(), "torch" in sys.modules, "onnxruntime" in sys.modules)
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False", "False"]


HEAVY = ("torch", "onnxruntime", "numpy", "matplotlib", "sklearn", "sidl.bridge.live.daemon", "sidl.bridge.engine",
         "sidl.models.cli", "sidl.export.cli", "sidl.bridge.commands")


@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"], ["train", "--help"], ["eval", "--help"],
                                  ["export", "--help"], ["demo", "--help"], ["reconstruct", "--help"],
                                  ["style", "--help"], ["atoms", "--help"], ["bench", "--help"],
                                  ["replay", "--help"]])
def test_help_loads_no_heavy_module(argv: list[str]) -> None:
    """Building the parser imports only the commands' argument modules (argparse), never their handlers."""
    result = _run(f"""
        import contextlib, io, sys
        from sidl.cli import main
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            try:
                main({argv!r})
            except SystemExit:
                pass
        assert "usage: sidl" in buf.getvalue()
        print(sorted(m for m in {HEAVY!r} if m in sys.modules))
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", f"sidl {' '.join(argv)} imported {result.stdout.strip()}"


def test_console_script_reports_errors_cleanly(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "sidl", "eval", "--model", str(tmp_path / "nope"),
                             "--data", str(tmp_path)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 2
    assert "nope" in result.stderr and "Traceback" not in result.stderr
