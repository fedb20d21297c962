"""torch → ONNX export: every supported configuration exports, matches torch, and describes itself."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
import torch
from tiny_checkpoints import make_checkpoint

from sidl.bridge.errors import ModelError
from sidl.bridge.model_info import FORMAT, ModelInfo
from sidl.export.onnx_export import OPSET, check_parity, export_model, load_model, random_windows

CONFIGS = {
    "bar-kernel-eq-stride": {},
    "bar-overlapping-atoms": {"kernel": 8, "stride": 4, "k": 4},
    "atoms-axis-seed-like": {"kernel": 4, "stride": 4, "wta_axis": "atoms", "k": 1, "decoder_bias": False,
                             "atom_norm": "none"},
    "time-axis": {"kernel": 8, "stride": 4, "wta_axis": "time", "k": 2},
    "refine-and-hidden": {"encoder_hidden": 8, "refine_steps": 2, "inference_refine_steps": 1},
    "activated-output-head": {"output": "activated", "encoder_head": 6, "refine_steps": 1},
    "tcn-front": {"tcn_channels": [4, 4], "kernel": 8, "stride": 4},
    "pursuit-coder": {"inference_coder": "pursuit", "refine_steps": 1},
}


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_every_configuration_exports_with_parity(name: str, tmp_path: Path) -> None:
    ckpt = make_checkpoint(tmp_path, name, **CONFIGS[name])
    result = export_model(ckpt, tmp_path / "onnx")
    assert result.parity["code_max_abs"] < 1e-4 and result.parity["grid_max_abs"] < 1e-4
    for path, role in ((result.encoder, "encoder"), (result.decoder, "decoder")):
        proto = onnx.load(str(path))
        onnx.checker.check_model(proto)
        assert proto.opset_import[0].version == OPSET
        assert not any(init.data_location == onnx.TensorProto.EXTERNAL for init in proto.graph.initializer)
        assert not list(path.parent.glob("*.data"))  # no external-data side file
        meta = {p.key: p.value for p in proto.metadata_props}
        info = ModelInfo.from_metadata(meta, source=str(path), role=role)
        assert meta["sidl.format"] == FORMAT
        assert info.atoms == 12 and info.name == name and info.codec_name == "drums"


def test_piano_codec_exports(tmp_path: Path) -> None:
    ckpt = make_checkpoint(tmp_path, "piano-tiny", codec="piano", kernel=8, stride=4, k=5)
    result = export_model(ckpt, tmp_path / "onnx")
    assert result.info.in_channels == 264 and result.info.codec_spec["name"] == "piano"


def test_dynamic_axes_and_budget_input(tmp_path: Path) -> None:
    import onnxruntime as ort

    ckpt = make_checkpoint(tmp_path, kernel=8, stride=4, k=3, refine_steps=1)
    result = export_model(ckpt, tmp_path / "onnx")
    model, _, _ = load_model(ckpt)
    session = ort.InferenceSession(str(result.encoder), providers=["CPUExecutionProvider"])
    for batch, bars, k in ((1, 1, 1), (5, 9, 2), (2, 3, 12)):
        grid = random_windows(model, batch, bars, seed=bars)
        code = session.run(None, {"grid": grid, "k": np.array(k, dtype=np.int64)})[0]
        with torch.no_grad():
            ref = model.encode(torch.from_numpy(grid), k=k, coder="network").numpy()
        assert code.shape == ref.shape
        np.testing.assert_allclose(code, ref, atol=1e-5)


def test_parity_check_catches_a_wrong_graph(tmp_path: Path) -> None:
    a = export_model(make_checkpoint(tmp_path, "a", seed=0), tmp_path / "a")
    b = export_model(make_checkpoint(tmp_path, "b", seed=1), tmp_path / "b")
    model_a, _, _ = load_model(tmp_path / "a")
    with pytest.raises(ModelError, match="different atoms|differs"):
        check_parity(model_a, b.encoder, a.decoder)


def test_metadata_records_provenance(tmp_path: Path) -> None:
    ckpt = make_checkpoint(tmp_path, "prov")
    result = export_model(ckpt, tmp_path / "onnx", extra={"denoise": {"amount": 0.25}})
    import hashlib

    sha = hashlib.sha256((ckpt / "model.safetensors").read_bytes()).hexdigest()
    assert result.info.weights_sha256 == sha and result.info.version.endswith(sha[:12])
    assert "Groove MIDI Dataset" in result.info.training_data
    assert result.info.extra == {"denoise": {"amount": 0.25}}
    assert result.info.window_bars == 2 and result.info.k == 3 and result.info.wta_axis == "bar"


def test_restamp_changes_the_metadata_not_the_weights(tmp_path: Path) -> None:
    from sidl.bridge.engine import Engine
    from sidl.export.onnx_export import restamp_extra

    ckpt = make_checkpoint(tmp_path, "restamp")
    result = export_model(ckpt, tmp_path / "onnx", extra={"atom_stats": None, "note": "kept"})
    before = Engine.load(tmp_path / "onnx", provider="cpu")
    grid = random_windows(load_model(ckpt)[0], 1, 2, seed=3)[0]
    restamp_extra(tmp_path / "onnx", {"denoise": {"amount": 0.7, "curve": {}}})
    after = Engine.load(tmp_path / "onnx", provider="cpu")
    assert after.info.denoise_amount == 0.7 and after.info.extra["note"] == "kept"
    assert after.info.weights_sha256 == result.info.weights_sha256
    np.testing.assert_array_equal(after.reconstruct(grid), before.reconstruct(grid))
    for role in ("encoder", "decoder"):  # both graphs say the same
        meta = {p.key: p.value for p in onnx.load(str(tmp_path / "onnx" / f"{role}.onnx")).metadata_props}
        assert '"amount": 0.7' in meta["sidl.extra"]
