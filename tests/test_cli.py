"""The `sidl` command table: each command owns its arguments, and a missing extra is one line, exit 2.

A missing module is simulated in a fresh interpreter by ``sys.modules[name] = None``, which makes
``import name`` raise ModuleNotFoundError exactly as on an install without that extra.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sidl.cli import COMMANDS, build_parser, extra_for, missing_extra_line

ROOT = Path(__file__).resolve().parents[1]
TRAIN_LINE = "needs the [train] extra: pip install 'sidl[train]'"


def run_without(modules: list[str], argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    script = textwrap.dedent(f"""
        import sys
        for name in {modules!r}:
            sys.modules[name] = None  # `import name` now raises ModuleNotFoundError
        from sidl.cli import main
        sys.exit(main({argv!r}))
    """)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=cwd, timeout=300)


def assert_one_line(done: subprocess.CompletedProcess[str], line: str) -> None:
    assert done.returncode == 2, done.stderr
    assert done.stderr == line + "\n"
    assert "Traceback" not in done.stderr and done.stdout == ""


@pytest.mark.parametrize("argv", [
    ["train", "drums", "--data", ".", "--out", "t"],
    ["eval", "--model", "drums", "--data", "."],
    ["export", "drums", "--out", "e"],
])
def test_torch_commands_without_torch_say_so_in_one_line(argv: list[str], tmp_path: Path) -> None:
    done = run_without(["torch"], argv, tmp_path)
    assert_one_line(done, f"sidl {argv[0]} {TRAIN_LINE}")
    assert not (tmp_path / "t").exists() and not (tmp_path / "e").exists()


def test_runtime_commands_without_onnxruntime_say_so_in_one_line(tmp_path: Path) -> None:
    line = "needs onnxruntime, the [cpu] extra: pip install 'sidl[cpu]' (or 'sidl[gpu]' on a CUDA machine)"
    done = run_without(["onnxruntime"], ["generate", "g.mid", "--seed", "1"], tmp_path)
    assert_one_line(done, f"sidl generate {line}")
    done = run_without(["onnxruntime", "torch"], ["demo", "--out", "d"], tmp_path)
    assert_one_line(done, f"sidl demo {line}")
    assert not (tmp_path / "g.mid").exists() and not (tmp_path / "d").exists()


def test_link_clock_without_aalink_says_so_before_opening_anything(tmp_path: Path) -> None:
    done = run_without(["aalink"], ["run", "--clock", "link", "--seconds", "1"], tmp_path)
    assert_one_line(done, "sidl run --clock link needs the [link] extra: pip install 'sidl[link]'")


def test_the_training_benchmark_without_torch_says_so_before_any_work(tmp_path: Path) -> None:
    done = run_without(["torch"], ["bench", "train", "--data", ".", "--procs", "1"], tmp_path)
    assert_one_line(done, f"sidl bench train {TRAIN_LINE}")


def test_pictures_without_matplotlib_say_so_in_one_line(tmp_path: Path) -> None:
    done = run_without(["matplotlib"], ["atoms", "--top", "4", "--out", "atoms.png"], tmp_path)
    assert_one_line(done, "sidl atoms needs the [plot] extra to draw pictures: pip install 'sidl[plot]'")


def test_a_missing_module_outside_every_extra_keeps_its_traceback() -> None:
    run = next(c for c in COMMANDS if c.name == "run")
    assert extra_for(run, "not_a_dependency") is None
    assert extra_for(run, "onnxruntime.capi") == "cpu"
    train = next(c for c in COMMANDS if c.name == "train")
    assert extra_for(train, "matplotlib") == "train"  # the loss curve: part of [train]
    assert missing_extra_line("sidl x", "link") == "sidl x needs the [link] extra: pip install 'sidl[link]'"


def test_every_command_has_light_arguments_and_a_handler() -> None:
    names = [c.name for c in COMMANDS]
    assert len(names) == len(set(names))
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    assert list(sub.choices) == names  # type: ignore[union-attr]
    for command in COMMANDS:
        assert command.extra in (None, "cpu", "train"), command
        module, _, func = command.handler.partition(":")
        if command.extra == "train":
            pytest.importorskip("torch")
        assert callable(getattr(importlib.import_module(module), func)), command.handler
