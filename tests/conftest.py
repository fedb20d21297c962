"""Shared test helpers: where the shared datasets are, and small synthetic MIDI corpora."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

DATA_ROOT = Path(os.environ.get("SIDL_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data"))
GROOVE_DIR = DATA_ROOT / "groove"
PIANO_DIR = DATA_ROOT / "piano"


def require(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"dataset not available at {path}")
    return path


@pytest.fixture
def groove_dir() -> Path:
    return require(GROOVE_DIR / "info.csv").parent


@pytest.fixture
def piano_dir() -> Path:
    return require(PIANO_DIR / "metadata.csv").parent


def write_gmd_like(root: Path, n_train: int = 6, n_val: int = 2, bars: int = 4) -> Path:
    """A tiny dataset in the GMD layout (info.csv with a split column), made of generated grooves."""
    from sidl.bridge.codecs import save_score
    from sidl.bridge.grooves import generate_groove

    root.mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(n_train + n_val):
        rel = f"drummer1/g{i}.mid"
        save_score(generate_groove(bars=bars, seed=i, bpm=90 + 5 * i), root / rel)
        rows.append({"drummer": "drummer1", "style": "funk" if i % 2 else "rock", "midi_filename": rel,
                     "split": "train" if i < n_train else "validation"})
    with (root / "info.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return root


@pytest.fixture(scope="session", autouse=True)
def private_state_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The bridge's state files (the persisted note ledger) go to a folder of this test run, in this
    process and in every ``sidl run`` it starts: a test never releases, or leaves, a user's notes."""
    folder = tmp_path_factory.mktemp("sidl-state")
    before = os.environ.get("SIDL_STATE_DIR")
    os.environ["SIDL_STATE_DIR"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("SIDL_STATE_DIR", None)
    else:
        os.environ["SIDL_STATE_DIR"] = before


@pytest.fixture(scope="session")
def jack_server() -> Iterator[object]:
    """A JACK server with the dummy driver (no sound card), started for the session if none runs, by
    the runtime's own starter (``sidl run --jack-dummy``); MIDI tests skip where jackd is not installed
    or does not come up (``.ci/run`` installs it)."""
    from sidl.bridge.live.ports import PortError, start_jack_dummy, stop_jack_dummy

    try:
        proc = start_jack_dummy()  # None: a server is already running, use it
    except PortError as exc:
        pytest.skip(f"no JACK server for the MIDI end-to-end tests: {exc}")
    yield proc
    stop_jack_dummy(proc)


@pytest.fixture(scope="session")
def drums() -> object:
    """The bundled drum model on the CPU, loaded once for every test that asks for it by this name."""
    from sidl.bridge.engine import Engine

    return Engine.load("drums", provider="cpu")


@pytest.fixture(scope="session")
def piano() -> object:
    """The bundled piano model on the CPU, loaded once."""
    from sidl.bridge.engine import Engine

    return Engine.load("piano", provider="cpu")
