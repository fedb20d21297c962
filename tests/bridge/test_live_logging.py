"""One logger tree: every logger of the package is named by its module (``sidl.bridge.live.clock``…),
so ``logging.getLogger("sidl")`` configures all of them and a record says where it came from."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _logger_names(folder: str) -> dict[str, str]:
    """file → the argument of each ``logging.getLogger(...)`` call in it (source text)."""
    names = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "getLogger" and node.args:
                names[f"{path.relative_to(ROOT)}:{node.lineno}"] = ast.unparse(node.args[0])
    return names


def test_the_live_runtime_logs_under_its_module_names() -> None:
    names = _logger_names("bridge/live")
    assert names and {where: n for where, n in names.items() if n != "__name__"} == {}


def test_no_logger_lives_outside_the_sidl_tree() -> None:
    names = {w: n for folder in ("bridge", "models", "export", "sidl") for w, n in _logger_names(folder).items()}
    outside = {w: n for w, n in names.items() if n != "__name__" and not n.strip("'\"").startswith("sidl.")}
    assert outside == {}
