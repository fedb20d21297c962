"""Which codec a corpus is encoded with: a model's (bundled name or exported folder) or a training
config's, found without torch and without onnxruntime.

- a bundled model name (``drums``, ``piano`` …) or a folder / ``.onnx`` file of an exported model:
  the codec spec stored in the encoder's ONNX metadata (``sidl.codec_spec``), read straight from the
  protobuf bytes — the codec the model was trained with, rebuilt by
  :func:`~sidl.bridge.codecs.codec_from_spec`, which refuses a spec this version would lay out
  differently;
- a training config ``.json`` (``models/configs/drums.json``): its ``codec`` and ``codec_options``,
  built by :func:`~sidl.bridge.codecs.get_codec` exactly as training builds it.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from sidl.bridge.codecs import Codec, codec_from_spec, get_codec
from sidl.bridge.engine import _read_model_bytes, resolve_model_files
from sidl.bridge.errors import ModelError, ParameterError
from sidl.bridge.model_info import ModelInfo
from sidl.bridge.onnx_scan import _LEN, _fields

log = logging.getLogger(__name__)

_MODEL_METADATA_PROPS = 14  # ModelProto.metadata_props (onnx/onnx.proto)
_ENTRY_KEY, _ENTRY_VALUE = 1, 2  # StringStringEntryProto
MAX_CONFIG_BYTES = 1024 * 1024


def onnx_metadata(data: bytes, source: str) -> dict[str, str]:
    """The ``metadata_props`` of a serialized ONNX ModelProto, as a dict."""
    meta: dict[str, str] = {}
    try:
        for number, wire, start, end in _fields(data, 0, len(data)):
            if number != _MODEL_METADATA_PROPS or wire != _LEN:
                continue
            key = value = ""
            for n, w, a, b in _fields(data, start, end):
                if w == _LEN and n == _ENTRY_KEY:
                    key = data[a:b].decode("utf-8")
                elif w == _LEN and n == _ENTRY_VALUE:
                    value = data[a:b].decode("utf-8")
            meta[key] = value
    except (ValueError, UnicodeDecodeError) as exc:
        raise ModelError(f"{source}: not a well-formed ONNX file ({exc})") from None
    return meta


def codec_from_model(model: str | Path) -> Codec:
    """The codec of a bundled model name or an exported model folder / .onnx file."""
    encoder, _ = resolve_model_files(model)
    meta = onnx_metadata(_read_model_bytes(encoder), str(encoder))
    info = ModelInfo.from_metadata(meta, source=str(encoder), role="encoder")
    return codec_from_spec(info.codec_spec)


def codec_from_config(path: str | Path) -> Codec:
    """The codec a training config (JSON, optionally under a ``"train"`` key) trains with."""
    p = Path(path)
    try:
        if p.stat().st_size > MAX_CONFIG_BYTES:
            raise ParameterError(f"training config {str(p)!r} is over {MAX_CONFIG_BYTES} bytes; not a config")
        raw: Any = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParameterError(f"training config {str(p)!r} is not a readable JSON file ({exc})") from None
    if isinstance(raw, dict) and isinstance(raw.get("train"), dict):
        raw = raw["train"]
    if not isinstance(raw, dict) or not isinstance(raw.get("codec"), str):
        raise ParameterError(f"training config {str(p)!r} names no codec (expected a \"codec\" entry such as "
                             "\"drums\")")
    options = raw.get("codec_options") or {}
    if not isinstance(options, dict):
        raise ParameterError(f"training config {str(p)!r}: codec_options must be an object, got {options!r}")
    return get_codec(raw["codec"], **options)


def resolve_codec(model: str) -> Codec:
    """``--model``: a training config ``.json``, else a bundled model name or exported model."""
    if str(model).lower().endswith(".json"):
        return codec_from_config(model)
    return codec_from_model(model)
