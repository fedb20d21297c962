"""Instrument knowledge lives in the codec package: no branch on an instrument's name, no codec
type test and no hard-coded "first third of the grid" outside ``bridge/codecs``."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bridge", "models", "export", "sidl")
ALLOWED = ROOT / "bridge" / "codecs"

PATTERNS = {
    "compares with an instrument name": re.compile(r"""[=!]=\s*['"](drums|piano)['"]|['"](drums|piano)['"]\s*[=!]="""),
    "tests a codec's type": re.compile(r"isinstance\([^)]*\b(DrumCodec|PianoCodec)\b"),
    "splits channels in thirds by hand": re.compile(r"//\s*3\b"),
    "branches on a model layout": re.compile(r"\b(cfg|config|info|model\.config)\.layout\s*[=!]="),
    "branches on a codec name": re.compile(r"codec_name\s*[=!]=|codec\.name\s*[=!]="),
}


def _sources() -> list[Path]:
    files = [p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")]
    return [p for p in files if ALLOWED not in p.parents]


def test_no_instrument_branch_outside_the_codec_package() -> None:
    found = []
    for path in _sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            for what, pattern in PATTERNS.items():
                if pattern.search(code):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {what}: {line.strip()}")
    assert not found, "instrument knowledge outside bridge/codecs:\n" + "\n".join(found)


def test_the_scan_sees_the_packages() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in _sources()}
    assert {"bridge/engine.py", "bridge/live/daemon.py", "models/train.py", "export/onnx_export.py"} <= names
    assert not any(n.startswith("bridge/codecs/") for n in names)
