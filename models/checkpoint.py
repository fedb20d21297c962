"""Checkpoints as safetensors + JSON (never pickle), and the registry of shipped models.

A checkpoint folder holds:

- ``model.safetensors`` — the network's weights;
- ``config.json`` — the training config (model geometry, codec, loss, schedule), the codec's full
  spec, the sidl version, and whatever metrics were recorded;
- ``train_state.safetensors`` + ``train_state.json`` — optimizer moments and progress, so that
  ``sidl train --resume`` continues where it stopped.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file

from sidl.bridge.errors import ModelError

SHIPPED_DIR = Path(__file__).resolve().parent / "shipped"
MODEL_FILE = "model.safetensors"
CONFIG_FILE = "config.json"
STATE_TENSORS = "train_state.safetensors"
STATE_JSON = "train_state.json"


def shipped_names() -> list[str]:
    return sorted(p.name for p in SHIPPED_DIR.iterdir() if (p / MODEL_FILE).is_file()) if SHIPPED_DIR.is_dir() else []


def resolve_model_dir(name_or_path: str | Path) -> Path:
    """A shipped model's name (``drums``, ``piano``, ``seed-drums``) or a checkpoint folder → its folder."""
    candidate = Path(name_or_path)
    if (candidate / MODEL_FILE).is_file():
        return candidate
    if str(name_or_path) in shipped_names():
        return SHIPPED_DIR / str(name_or_path)
    raise ModelError(
        f"model {str(name_or_path)!r} is neither a checkpoint folder (with {MODEL_FILE}) "
        f"nor a shipped model ({', '.join(shipped_names()) or 'none shipped'})"
    )


def _atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def save_model(out_dir: Path, model: torch.nn.Module, config: dict[str, Any]) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = out_dir / (MODEL_FILE + ".tmp")
    state = {k: v.detach().contiguous().cpu() for k, v in model.state_dict().items()}
    save_file(state, str(tmp), metadata={"format": "sidl-conv-wta"})
    os.replace(tmp, out_dir / MODEL_FILE)
    _atomic_write_text(out_dir / CONFIG_FILE, json.dumps(config, indent=2, sort_keys=True) + "\n")


def load_config(model_dir: Path) -> dict[str, Any]:
    path = model_dir / CONFIG_FILE
    try:
        config: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelError(f"{model_dir}: no {CONFIG_FILE} beside the weights") from exc
    except json.JSONDecodeError as exc:
        raise ModelError(f"{path}: not valid JSON ({exc})") from exc
    return config


def load_weights(model_dir: Path) -> dict[str, torch.Tensor]:
    try:
        return load_file(str(model_dir / MODEL_FILE))
    except Exception as exc:  # safetensors raises its own SafetensorError and OSError
        raise ModelError(f"{model_dir / MODEL_FILE}: unreadable weights ({exc})") from exc


def save_train_state(out_dir: Path, optimizer: torch.optim.Optimizer, progress: dict[str, Any]) -> None:
    """Flatten the optimizer's state into tensors (safetensors) plus JSON for the scalars."""
    sd = optimizer.state_dict()
    tensors: dict[str, torch.Tensor] = {}
    scalars: dict[str, dict[str, Any]] = {}
    for idx, per_param in sd["state"].items():
        for name, value in per_param.items():
            if torch.is_tensor(value):
                tensors[f"{idx}.{name}"] = value.detach().contiguous().cpu()
            else:
                scalars.setdefault(str(idx), {})[name] = value
    tmp = out_dir / (STATE_TENSORS + ".tmp")
    save_file(tensors, str(tmp))
    os.replace(tmp, out_dir / STATE_TENSORS)
    payload = {"param_groups": sd["param_groups"], "scalars": scalars, "progress": progress}
    _atomic_write_text(out_dir / STATE_JSON, json.dumps(payload, indent=1) + "\n")


def load_train_state(out_dir: Path, optimizer: torch.optim.Optimizer) -> dict[str, Any]:
    """Restore the optimizer saved by :func:`save_train_state`; returns the saved progress."""
    try:
        payload = json.loads((out_dir / STATE_JSON).read_text(encoding="utf-8"))
        tensors = load_file(str(out_dir / STATE_TENSORS))
    except FileNotFoundError as exc:
        raise ModelError(f"{out_dir}: nothing to resume (no {STATE_JSON}/{STATE_TENSORS})") from exc
    state: dict[int, dict[str, Any]] = {}
    for key, value in tensors.items():
        idx, name = key.split(".", 1)
        state.setdefault(int(idx), {})[name] = value
    for idx, values in payload["scalars"].items():
        state.setdefault(int(idx), {}).update(values)
    optimizer.load_state_dict({"state": state, "param_groups": payload["param_groups"]})
    progress: dict[str, Any] = payload["progress"]
    return progress
