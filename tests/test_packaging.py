"""What `pip install sidl` puts into site-packages: one package, `sidl`, typed, with its data."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PARTS = ("bridge", "models", "export")


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        pytest.fail(f"building the wheel failed:\n{done.stderr[-3000:]}")
    (wheel,) = out.glob("sidl-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        return set(zf.namelist())


def test_the_wheel_installs_one_top_level_package(wheel_names: set[str]) -> None:
    top = {name.split("/", 1)[0] for name in wheel_names if not name.split("/", 1)[0].endswith(".dist-info")}
    assert top == {"sidl"}, f"the wheel would install {sorted(top)} into site-packages"
    assert "sidl/py.typed" in wheel_names


def test_every_source_package_and_bundled_model_is_in_the_wheel(wheel_names: set[str]) -> None:
    for part in PARTS:
        for init in (ROOT / part).rglob("__init__.py"):
            installed = "sidl/" + init.relative_to(ROOT).as_posix()
            assert installed in wheel_names, f"{init.relative_to(ROOT)} is not installed (expected {installed})"
    for onnx in (ROOT / "bridge" / "bundled").rglob("*.onnx"):
        assert "sidl/" + onnx.relative_to(ROOT).as_posix() in wheel_names
    for card in (ROOT / "models" / "shipped").rglob("MODEL_CARD.md"):
        assert "sidl/" + card.relative_to(ROOT).as_posix() in wheel_names


def test_the_version_is_defined_once() -> None:
    import importlib.metadata

    import sidl

    assert importlib.metadata.version("sidl") == sidl.__version__
    import tomllib

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in pyproject["project"] and "version" in pyproject["project"]["dynamic"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "sidl.__version__"}
