"""torch checkpoint → two self-describing ONNX graphs (encoder, decoder) and a parity check.

``export_model`` writes ``encoder.onnx`` and ``decoder.onnx`` (weights inside each file, never an
external-data side file) with dynamic batch and time axes, stamps both with the same metadata
(:mod:`bridge.model_info` reads it back), then runs onnxruntime against torch on random and on real
windows and records the largest difference. An export whose parity is out of bounds is refused.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import torch

from sidl import __version__
from sidl.bridge.codecs import get_codec
from sidl.bridge.errors import ModelError
from sidl.bridge.model_info import ROLES, ModelInfo
from sidl.export.graphs import DecoderGraph, EncoderGraph
from sidl.models.autoencoder import HIDDEN_KERNEL, ConvWTAAutoencoder
from sidl.models.card import DATA_CREDITS
from sidl.models.checkpoint import MODEL_FILE, load_config, load_weights, resolve_model_dir
from sidl.models.config import ModelConfig
from sidl.models.grid import grid_layout

log = logging.getLogger(__name__)

OPSET = 18
PARITY_TOLERANCE = 1e-4  # codes and grids are O(1); float32 reordering differences are ~1e-6
MAX_BATCH = 4096
MAX_BARS = 100_000


@dataclass
class ExportResult:
    encoder: Path
    decoder: Path
    info: ModelInfo
    parity: dict[str, float]


def weights_sha256(model_dir: Path) -> str:
    return hashlib.sha256((model_dir / MODEL_FILE).read_bytes()).hexdigest()


def load_model(checkpoint: str | Path) -> tuple[ConvWTAAutoencoder, dict[str, Any], Path]:
    model_dir = resolve_model_dir(checkpoint)
    config = load_config(model_dir)
    model = ConvWTAAutoencoder(ModelConfig.from_dict(config["train"]["model"]))
    model.load_state_dict(load_weights(model_dir))
    model.eval()
    return model, config, model_dir


def context_bars(model: ConvWTAAutoencoder) -> int:
    """Bars of input either side of a bar that can influence that bar's code: the encoder's receptive
    field plus, per refinement step, one decode and one adjoint (an atom's span each way)."""
    cfg = model.config
    steps = cfg.kernel
    if model.tcn is not None:
        steps += model.tcn.receptive_field - 1
    if model.hidden is not None:
        steps += 2 * (HIDDEN_KERNEL // 2)
    refinements = cfg.refine_steps + cfg.inference_refine_steps
    steps += refinements * 2 * cfg.kernel
    return -(-steps // cfg.steps_per_bar) + 1  # + 1: the clamped edge bar of a chunk stays outside


def build_info(model: ConvWTAAutoencoder, config: dict[str, Any], model_dir: Path, name: str,
               extra: dict[str, Any] | None = None) -> ModelInfo:
    """The metadata stamped into both graphs."""
    cfg = model.config
    train = config["train"]
    codec = get_codec(train["codec"], **(train.get("codec_options") or {}))
    sha = weights_sha256(model_dir)
    credit = DATA_CREDITS.get(train["codec"], "unknown")
    info = ModelInfo(
        name=name,
        version=f"{__version__}+{sha[:12]}",
        weights_sha256=sha,
        codec_spec=codec.spec(),
        layout=cfg.layout,
        in_channels=cfg.in_channels,
        atoms=cfg.atoms,
        kernel=cfg.kernel,
        stride=cfg.stride,
        steps_per_bar=cfg.steps_per_bar,
        k=cfg.k,
        wta_axis=cfg.wta_axis,
        output=cfg.output,
        coder=cfg.inference_coder,
        window_bars=int(train.get("window_bars", 4)),
        context_bars=context_bars(model),
        training_data=credit,
        opset=OPSET,
        extra=dict(extra or {}),
    )
    info.check(str(model_dir))  # a model outside the runtime's limits fails here, not at its first load
    return info


def _stamp(path: Path, info: ModelInfo, role: str) -> None:
    proto = onnx.load(str(path))
    del proto.metadata_props[:]
    for key, value in info.to_metadata(role).items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    proto.producer_name = "sidl"
    proto.producer_version = __version__
    onnx.checker.check_model(proto)
    path.write_bytes(proto.SerializeToString())  # one self-contained file: weights stay inside


def restamp_extra(out_dir: str | Path, extra: dict[str, Any]) -> ModelInfo:
    """Merge ``extra`` into the metadata of an exported model's two graphs (weights untouched): what
    is measured on the exported model itself (the denoising curve) is stored after the export."""
    out = Path(out_dir)
    paths = {role: out / f"{role}.onnx" for role in ROLES}
    current = ModelInfo.from_metadata({p.key: p.value for p in onnx.load(str(paths["encoder"])).metadata_props},
                                      source=str(paths["encoder"]), role="encoder")
    info = replace(current, extra={**current.extra, **extra})
    for role, path in paths.items():
        _stamp(path, info, role)
    return info


def _export_graph(module: torch.nn.Module, args: tuple[Any, ...], path: Path, *, input_names: list[str],
                  output_names: list[str], dynamic_shapes: dict[str, Any]) -> None:
    chatter = io.StringIO()  # the exporter prints its progress; keep stdout for the command's JSON
    with contextlib.redirect_stdout(chatter):
        program = torch.onnx.export(module, args, input_names=input_names, output_names=output_names,
                                    dynamic_shapes=dynamic_shapes, dynamo=True, external_data=False,
                                    opset_version=OPSET, verbose=False)
    log.debug("torch.onnx.export of %s: %s", path.name, chatter.getvalue().strip())
    if program is None:
        raise ModelError(f"torch.onnx.export returned nothing for {path.name}")
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp) / path.name
        program.save(str(scratch), external_data=False)
        path.write_bytes(scratch.read_bytes())


def export_model(checkpoint: str | Path, out_dir: str | Path, *, name: str | None = None,
                 extra: dict[str, Any] | None = None, real_windows: np.ndarray | None = None,
                 seed: int = 0) -> ExportResult:
    """Export ``checkpoint`` (shipped name or folder) to ``out_dir``/{encoder,decoder}.onnx.

    ``extra`` goes into the metadata as is (atom statistics, the tuned denoise amount). ``real_windows``
    (N, C, T) adds real data to the parity check. Raises ModelError when parity fails.
    """
    model, config, model_dir = load_model(checkpoint)
    cfg = model.config
    info = build_info(model, config, model_dir, name or model_dir.name, extra)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    enc_path, dec_path = out / "encoder.onnx", out / "decoder.onnx"

    window_steps = cfg.steps_per_bar * info.window_bars
    example = torch.zeros(2, cfg.in_channels, window_steps)
    batch = torch.export.Dim("batch", min=1, max=MAX_BATCH)
    bars = torch.export.Dim("bars", min=1, max=MAX_BARS)
    k = torch.tensor(cfg.k, dtype=torch.int64)
    with torch.no_grad():
        _export_graph(EncoderGraph(model).eval(), (example, k), enc_path, input_names=["grid", "k"],
                      output_names=["code"],
                      dynamic_shapes={"grid": {0: batch, 2: bars * cfg.steps_per_bar}, "k": None})
        code = model.encode(example, coder="network")
        columns = torch.export.Dim("columns", min=cfg.kernel // cfg.stride, max=MAX_BARS * cfg.steps_per_bar)
        _export_graph(DecoderGraph(model).eval(), (code,), dec_path, input_names=["code"],
                      output_names=["logits", "grid"], dynamic_shapes={"code": {0: batch, 2: columns}})
    _stamp(enc_path, info, "encoder")
    _stamp(dec_path, info, "decoder")
    parity = check_parity(model, enc_path, dec_path, real_windows=real_windows, seed=seed)
    worst = max(parity.values())
    if not worst <= PARITY_TOLERANCE:
        raise ModelError(f"ONNX export of {info.name} differs from torch by {worst:.3g} (> {PARITY_TOLERANCE}): {parity}")
    log.info("exported %s to %s (parity %s)", info.name, out, parity)
    return ExportResult(enc_path, dec_path, info, parity)


def random_windows(model: ConvWTAAutoencoder, n: int, bars: int, seed: int) -> np.ndarray:
    """Sparse random grids in codec ranges: hits/onsets 0/1, velocity 0..1, third group by its role."""
    cfg = model.config
    rng = np.random.default_rng(seed)
    g = cfg.group_size
    t = bars * cfg.steps_per_bar
    hits = (rng.random((n, g, t)) < 0.12).astype(np.float32)
    vel = hits * rng.uniform(0.15, 1.0, (n, g, t)).astype(np.float32)
    third = _RANDOM_THIRD[grid_layout(cfg.layout).third.role](hits, rng)
    return np.concatenate([hits, vel, third], axis=1)


# The third channel group of a random window, by its role in the codec's grid layout.
_RANDOM_THIRD: dict[str, Callable[[np.ndarray, np.random.Generator], np.ndarray]] = {
    "timing": lambda hits, rng: hits * rng.uniform(-0.5, 0.5, hits.shape).astype(np.float32),
    "hold": lambda hits, rng: np.maximum(hits, (rng.random(hits.shape) < 0.2)).astype(np.float32),
}


def check_parity(model: ConvWTAAutoencoder, encoder: Path, decoder: Path, *, real_windows: np.ndarray | None = None,
                 seed: int = 0) -> dict[str, float]:
    """Largest |onnxruntime − torch| of code and grid, on random windows of several lengths and
    budgets and on ``real_windows``; also counts support disagreements (entries zero in one only)."""
    import onnxruntime as ort

    cfg = model.config
    enc = ort.InferenceSession(str(encoder), providers=["CPUExecutionProvider"])
    dec = ort.InferenceSession(str(decoder), providers=["CPUExecutionProvider"])
    cases = [(random_windows(model, 3, bars, seed + bars), k) for bars, k in ((1, 1), (4, cfg.k), (7, max(1, cfg.k // 2)))]
    if real_windows is not None and len(real_windows):
        cases.append((np.asarray(real_windows, dtype=np.float32), cfg.k))
    worst_code = worst_grid = 0.0
    support = 0
    for grid, k in cases:
        with torch.no_grad():
            ref_code = model.encode(torch.from_numpy(grid), k=k, coder="network").numpy()
            ref_grid = model.decode(torch.from_numpy(ref_code)).numpy()
        code = enc.run(["code"], {"grid": grid, "k": np.array(k, dtype=np.int64)})[0]
        out = dec.run(["grid"], {"code": ref_code})[0]
        worst_code = max(worst_code, float(np.abs(code - ref_code).max()))
        worst_grid = max(worst_grid, float(np.abs(out - ref_grid).max()))
        support += int(((code != 0) != (ref_code != 0)).sum())
    if support:
        raise ModelError(f"ONNX encoder picks different atoms than torch in {support} entries")
    return {"code_max_abs": worst_code, "grid_max_abs": worst_grid}


