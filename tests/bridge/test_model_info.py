"""ModelInfo parses the atom statistics and the tuned denoise amount once, at load, and is the one
place a user's atoms-per-bar becomes the encoder's k."""

from __future__ import annotations

from typing import Any

import pytest

from sidl.bridge.codecs import DrumCodec
from sidl.bridge.errors import ModelError, ParameterError
from sidl.bridge.model_info import ModelInfo

STATS = {"frequency": [0.5, 0.0], "log_mean": [0.1, 0.0], "log_std": [0.2, 0.0]}


def _meta(**changes: Any) -> dict[str, str]:
    fields: dict[str, Any] = dict(name="m", version="1", weights_sha256="0" * 64, codec_spec=DrumCodec().spec(),
                                  layout="drums", in_channels=27, atoms=2, kernel=16, stride=16, steps_per_bar=16,
                                  k=2, wta_axis="bar", output="linear", coder="network", window_bars=2,
                                  context_bars=1, training_data="none", opset=17, extra={})
    fields.update(changes)
    return ModelInfo(**fields).to_metadata("encoder")


def _load(**changes: Any) -> ModelInfo:
    return ModelInfo.from_metadata(_meta(**changes), source="x.onnx", role="encoder")


def test_statistics_and_denoise_default_are_parsed_once() -> None:
    info = _load(extra={"atom_stats": STATS, "denoise": {"amount": 0.25}})
    assert info.atom_stats is not None and info.atom_stats.atoms == 2 and info.denoise_amount == 0.25
    bare = _load()
    assert bare.atom_stats is None and bare.denoise_amount == 0.0
    assert "sidl.atom_stats" not in bare.to_metadata("encoder")  # derived, never stored twice


@pytest.mark.parametrize(("extra", "match"), [
    ({"atom_stats": {"frequency": [0.5]}}, "atom_stats is malformed"),
    ({"atom_stats": [1, 2]}, "atom_stats must be an object"),
    ({"atom_stats": {**STATS, "frequency": [0.5, 0.5, 0.5], "log_mean": [0, 0, 0], "log_std": [0, 0, 0]}},
     "describe 3 atoms, the model has 2"),
    ({"denoise": {"amount": 2}}, "denoise amount must be a number within 0..1"),
    ({"denoise": {"amount": "x"}}, "denoise amount"),
    ({"denoise": 3}, "denoise must be an object"),
])
def test_malformed_extra_is_one_model_error(extra: dict[str, Any], match: str) -> None:
    with pytest.raises(ModelError, match=match):
        _load(extra=extra)
    with pytest.raises(ModelError, match="x.onnx"):
        ModelInfo.from_metadata({**_meta(), "sidl.extra": __import__("json").dumps(extra)}, source="x.onnx",
                                role="encoder")


def test_atoms_mean_atoms_per_bar_for_every_model() -> None:
    bar = _load()
    assert bar.atoms_per_bar == 2 and bar.encoder_k(5) == 5
    seed = _load(kernel=4, stride=4, wta_axis="atoms", k=1)  # the seed: top-1 per beat column
    assert seed.columns_per_bar == 4 and seed.atoms_per_bar == 4
    assert seed.encoder_k(4) == 1 and seed.encoder_k(8) == 2
    with pytest.raises(ParameterError, match="multiple of 4"):
        seed.encoder_k(6)


def test_a_decoder_that_returns_nan_is_an_error_not_a_silent_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    """The live loop silences and logs a ModelError; NaN grids used to decode to nothing, unlogged."""
    import numpy as np

    from sidl.bridge.engine import Engine
    from sidl.bridge.errors import ModelError

    engine = Engine.load("drums", provider="cpu")
    code = np.zeros((engine.info.atoms, 1), np.float32)
    code[3, 0] = 1.0
    assert np.isfinite(engine.decode(code)).all()
    monkeypatch.setattr(engine, "_decode_sparse", lambda arr: np.full((1, 27, 16), np.nan, np.float32))
    with pytest.raises(ModelError, match="NaN"):
        engine.decode(code)


def test_a_pursuit_model_lets_its_encoder_session_go_and_reopens_it_for_the_network_coder() -> None:
    """The live path of a pursuit model never runs the encoder graph: its session (about 40 MB for
    the drum model) is released after loading, and the network coder still works, the same as a
    fresh engine that kept it."""
    import numpy as np

    from sidl.bridge.engine import Engine

    engine = Engine.load("drums", provider="cpu")
    assert engine.coder == "pursuit" and engine.encoder is None
    grid = np.zeros((27, 64), np.float32)
    grid[0, ::4] = grid[9, ::4] = 1.0
    network = engine.encode(grid, 4, coder="network")
    assert engine.encoder is not None
    kept = Engine.load("drums", provider="cpu", coder="network")
    np.testing.assert_allclose(network, kept.encode(grid, 4), atol=1e-6)
