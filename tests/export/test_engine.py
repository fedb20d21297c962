"""The onnxruntime engine against the torch model it was exported from, and what it refuses."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch
from onnx import helper
from tiny_checkpoints import make_checkpoint

from sidl.bridge import engine as engine_module
from sidl.bridge.engine import Engine
from sidl.bridge.errors import CodecMismatchError, ModelError, ParameterError
from sidl.export.onnx_export import export_model, load_model, random_windows


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("engine")
    ckpt = make_checkpoint(root, "tiny", encoder_hidden=8, refine_steps=2, inference_coder="pursuit")
    export_model(ckpt, root / "onnx")
    return ckpt, root / "onnx"


@pytest.fixture(scope="module")
def overlapping(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("engine-overlap")
    ckpt = make_checkpoint(root, "overlap", kernel=8, stride=4, k=4, refine_steps=1)
    export_model(ckpt, root / "onnx")
    return ckpt, root / "onnx"


@pytest.mark.parametrize("coder", ["network", "pursuit"])
def test_codes_and_grids_match_torch(exported: tuple[Path, Path], coder: str) -> None:
    ckpt, folder = exported
    model, _, _ = load_model(ckpt)
    engine = Engine.load(folder, provider="cpu", coder=coder)
    grid = random_windows(model, 4, 3, seed=5)
    with torch.no_grad():
        ref_code = model.encode(torch.from_numpy(grid), coder=coder).numpy()
        ref_grid = model.decode(torch.from_numpy(ref_code)).numpy()
    code = engine.encode(grid)
    np.testing.assert_allclose(code, ref_code, atol=1e-5)
    np.testing.assert_array_equal(code != 0, ref_code != 0)
    np.testing.assert_allclose(engine.decode(code), ref_grid, atol=1e-5)
    for i in range(len(grid)):  # batching streams changes nothing
        np.testing.assert_allclose(engine.encode(grid[i]), code[i], atol=1e-6)


def test_overlapping_atoms_match_torch_at_several_budgets(overlapping: tuple[Path, Path]) -> None:
    ckpt, folder = overlapping
    model, _, _ = load_model(ckpt)
    engine = Engine.load(folder, provider="cpu")
    assert engine.coder == "network"
    grid = random_windows(model, 2, 5, seed=1)
    for k in (1, 2, 4, 7):
        with torch.no_grad():
            ref = model.encode(torch.from_numpy(grid), k=k).numpy()
        np.testing.assert_allclose(engine.encode(grid, k), ref, atol=1e-5)


def test_grids_of_any_length_are_padded_and_cropped(exported: tuple[Path, Path]) -> None:
    _, folder = exported
    engine = Engine.load(folder, provider="cpu")
    grid = np.zeros((27, 21), np.float32)
    grid[0, ::4] = 1.0
    grid[9, ::4] = 0.8
    out = engine.reconstruct(grid)
    assert out.shape == (27, 21)
    assert engine.encode(grid).shape == (12, 2)  # two bars, one column each


def test_decomposition_adds_up_to_the_reconstruction(overlapping: tuple[Path, Path]) -> None:
    ckpt, folder = overlapping
    model, _, _ = load_model(ckpt)
    engine = Engine.load(folder, provider="cpu")
    grid = random_windows(model, 1, 4, seed=3)[0]
    code = engine.encode(grid)
    parts = engine.decompose(code)
    assert set(parts.parts) == set(np.flatnonzero(code.any(axis=1)).tolist())
    total = sum(parts.parts.values(), parts.constant)
    np.testing.assert_allclose(total, engine.decode_logits(code), atol=1e-5)
    empty = engine.decompose(np.zeros_like(code))
    assert empty.parts == {}


def test_reports_the_provider_it_really_bound(exported: tuple[Path, Path]) -> None:
    import onnxruntime as ort

    _, folder = exported
    engine = Engine.load(folder, provider="cpu")
    assert engine.providers[0] == "CPUExecutionProvider"
    assert engine.describe()["providers"] == engine.providers
    if "CUDAExecutionProvider" not in ort.get_available_providers():
        with pytest.raises(ModelError, match="cuda"):
            Engine.load(folder, provider="cuda")
    with pytest.raises(ParameterError, match="provider must be one of"):
        Engine.load(folder, provider="tpu")


def test_bad_input_is_named(exported: tuple[Path, Path]) -> None:
    _, folder = exported
    engine = Engine.load(folder, provider="cpu")
    with pytest.raises(CodecMismatchError, match="264 channels but model 'tiny' expects 27"):
        engine.encode(np.zeros((264, 16), np.float32))
    with pytest.raises(ParameterError, match="NaN"):
        engine.encode(np.full((27, 16), np.nan, np.float32))
    with pytest.raises(ParameterError, match="k must be"):
        engine.encode(np.zeros((27, 16), np.float32), k=0)
    with pytest.raises(ParameterError, match="code must be"):
        engine.decode(np.zeros((5, 2), np.float32))


# ---------------------------------------------------------------------------------------- refusals
def _copy(folder: Path, dest: Path) -> Path:
    shutil.copytree(folder, dest)
    return dest


def _rewrite_metadata(path: Path, **changes: str | None) -> None:
    proto = onnx.load(str(path))
    meta = {p.key: p.value for p in proto.metadata_props}
    for key, value in changes.items():
        full = "sidl." + key
        if value is None:
            meta.pop(full, None)
        else:
            meta[full] = value
    del proto.metadata_props[:]
    for key, value in meta.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    path.write_bytes(proto.SerializeToString())


def test_refuses_missing_metadata(exported: tuple[Path, Path], tmp_path: Path) -> None:
    folder = _copy(exported[1], tmp_path / "m")
    _rewrite_metadata(folder / "encoder.onnx", codec_spec=None)
    with pytest.raises(ModelError, match="'sidl.codec_spec' is missing"):
        Engine.load(folder)


def test_refuses_metadata_that_contradicts_the_graph(exported: tuple[Path, Path], tmp_path: Path) -> None:
    folder = _copy(exported[1], tmp_path / "m")
    for name in ("encoder.onnx", "decoder.onnx"):
        _rewrite_metadata(folder / name, atoms="13")
    with pytest.raises(ModelError, match="contradicts itself"):
        Engine.load(folder)


def test_refuses_graphs_from_two_checkpoints(exported: tuple[Path, Path], tmp_path: Path) -> None:
    folder = _copy(exported[1], tmp_path / "m")
    _rewrite_metadata(folder / "decoder.onnx", weights_sha256="0" * 64)
    with pytest.raises(ModelError, match="different checkpoints"):
        Engine.load(folder)


def test_refuses_a_graph_in_the_wrong_role(exported: tuple[Path, Path], tmp_path: Path) -> None:
    folder = _copy(exported[1], tmp_path / "m")
    shutil.copy(folder / "encoder.onnx", folder / "decoder.onnx")
    with pytest.raises(ModelError, match="expected the 'decoder'"):
        Engine.load(folder)


def test_refuses_pickles_and_non_onnx_files(exported: tuple[Path, Path], tmp_path: Path) -> None:
    folder = _copy(exported[1], tmp_path / "m")
    (folder / "encoder.onnx").write_bytes(b"\x80\x04\x95" + b"\x00" * 32)  # a pickle's first bytes
    with pytest.raises(ModelError, match="pickle"):
        Engine.load(folder)
    ckpt = tmp_path / "model.pt"
    ckpt.write_bytes(b"PK\x03\x04")
    with pytest.raises(ModelError, match="not a .onnx file"):
        Engine.load(ckpt)
    (folder / "encoder.onnx").write_bytes(b"garbage, not protobuf")
    with pytest.raises(ModelError, match="onnxruntime cannot load it"):
        Engine.load(folder)


def test_refuses_files_over_the_size_cap(exported: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine_module, "MAX_MODEL_BYTES", 1000)
    with pytest.raises(ModelError, match="over the 1000-byte limit"):
        Engine.load(exported[1])


def test_refuses_external_data(exported: tuple[Path, Path], tmp_path: Path) -> None:
    folder = _copy(exported[1], tmp_path / "m")
    proto = onnx.load(str(folder / "decoder.onnx"))
    onnx.save_model(proto, str(folder / "decoder.onnx"), save_as_external_data=True, all_tensors_to_one_file=True,
                    location="decoder.onnx.data", size_threshold=0)
    assert (folder / "decoder.onnx.data").is_file()
    with pytest.raises(ModelError, match="cannot load"):
        Engine.load(folder)


def test_refuses_custom_op_domains(exported: tuple[Path, Path], tmp_path: Path) -> None:
    folder = _copy(exported[1], tmp_path / "m")
    proto = onnx.load(str(folder / "decoder.onnx"))
    out = proto.graph.output[0].name
    node = helper.make_node("Evil", [out], ["evil_out"], domain="com.example.evil")
    proto.graph.node.append(node)
    proto.graph.output.append(helper.make_tensor_value_info("evil_out", onnx.TensorProto.FLOAT, None))
    proto.opset_import.append(helper.make_opsetid("com.example.evil", 1))
    (folder / "decoder.onnx").write_bytes(proto.SerializeToString())
    with pytest.raises(ModelError, match="cannot load"):
        Engine.load(folder)


@pytest.mark.parametrize("model_options", [
    {"kernel": 8, "stride": 4, "k": 4, "refine_steps": 2, "encoder_hidden": 4},
    {"kernel": 8, "stride": 4, "k": 2, "tcn_channels": [4, 4]},
    {"kernel": 4, "stride": 4, "wta_axis": "atoms", "k": 1},
])
def test_long_grids_are_chunked_without_changing_the_code(tmp_path: Path, model_options: dict[str, object]) -> None:
    ckpt = make_checkpoint(tmp_path, "long", **model_options)
    export_model(ckpt, tmp_path / "onnx")
    model, _, _ = load_model(ckpt)
    engine = Engine.load(tmp_path / "onnx", provider="cpu")
    bars = engine_module.CHUNK_BARS * 2 + 2 * engine.info.context_bars + 3  # several chunks
    grid = random_windows(model, 2, bars, seed=4)
    with torch.no_grad():
        ref = model.encode(torch.from_numpy(grid)).numpy()
    np.testing.assert_allclose(engine.encode(grid), ref, atol=1e-5)
