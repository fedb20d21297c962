"""Find external-data references in a serialized ONNX model without the ``onnx`` package.

A sidl model keeps its weights inside each ``.onnx`` file. A tensor may instead point at a side file
(``external_data`` / ``data_location = EXTERNAL``); onnxruntime, given the model as bytes, resolves
such paths against the *current folder*, so a model that loads in one folder fails (or reads another
file) in the next. :func:`external_tensors` walks the protobuf wire format along the few messages
that can hold a tensor (graphs, nodes, attributes, functions, training info, sparse tensors) and
names every tensor that points outside the file; the engine refuses the model if there is one.

Field numbers are those of ``onnx/onnx.proto`` (stable since IR version 3). Tensor payloads are
skipped by their length, so a 10 MB model is scanned in milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterator

from sidl.bridge.errors import ModelError

_VARINT, _I64, _LEN, _I32 = 0, 1, 2, 5
MAX_DEPTH = 64  # nested subgraphs (If/Loop bodies); far deeper is not a real model

# message kind -> {field number: message kind of that (length-delimited) field}
_SCHEMA: dict[str, dict[int, str]] = {
    "model": {7: "graph", 20: "training", 25: "function"},
    "training": {1: "graph", 2: "graph"},
    "graph": {1: "node", 5: "tensor", 15: "sparse"},
    "node": {5: "attribute"},
    "function": {7: "node", 11: "attribute"},
    "attribute": {5: "tensor", 6: "graph", 10: "tensor", 11: "graph", 22: "sparse", 23: "sparse"},
    "sparse": {1: "tensor", 2: "tensor"},
}
_TENSOR_NAME, _TENSOR_EXTERNAL, _TENSOR_LOCATION = 8, 13, 14
_EXTERNAL = 1  # TensorProto.DataLocation.EXTERNAL


def _varint(data: bytes, pos: int, end: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= end or shift > 63:
            raise ValueError("truncated or overlong varint")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7


def _fields(data: bytes, pos: int, end: int) -> Iterator[tuple[int, int, int, int]]:
    """(field number, wire type, value or start, end) of each field of one message."""
    while pos < end:
        key, pos = _varint(data, pos, end)
        number, wire = key >> 3, key & 7
        if wire == _VARINT:
            value, pos = _varint(data, pos, end)
            yield number, wire, value, pos
        elif wire == _LEN:
            length, pos = _varint(data, pos, end)
            if pos + length > end:
                raise ValueError("a field runs past the end of its message")
            yield number, wire, pos, pos + length
            pos += length
        elif wire in (_I64, _I32):
            pos += 8 if wire == _I64 else 4
            if pos > end:
                raise ValueError("a fixed-size field runs past the end of its message")
        else:
            raise ValueError(f"unsupported wire type {wire}")


def _tensor(data: bytes, start: int, end: int) -> str | None:
    """The tensor's name if it points at external data, else None."""
    name, external = "", False
    for number, wire, a, b in _fields(data, start, end):
        if number == _TENSOR_NAME and wire == _LEN:
            name = data[a:b].decode("utf-8", "replace")
        elif number == _TENSOR_EXTERNAL and wire == _LEN:
            external = True
        elif number == _TENSOR_LOCATION and wire == _VARINT and a == _EXTERNAL:
            external = True
    return (name or "(unnamed)") if external else None


def _walk(data: bytes, kind: str, start: int, end: int, depth: int, found: list[str]) -> None:
    if depth > MAX_DEPTH:
        raise ValueError(f"subgraphs nested more than {MAX_DEPTH} deep")
    schema = _SCHEMA[kind]
    for number, wire, a, b in _fields(data, start, end):
        child = schema.get(number)
        if child is None or wire != _LEN:
            continue
        if child == "tensor":
            name = _tensor(data, a, b)
            if name is not None:
                found.append(name)
        else:
            _walk(data, child, a, b, depth + 1, found)


def external_tensors(data: bytes) -> list[str]:
    """Names of the tensors of a serialized ModelProto whose data lives outside it."""
    found: list[str] = []
    _walk(data, "model", 0, len(data), 0, found)
    return found


def check_self_contained(data: bytes, source: str) -> str | None:
    """:class:`ModelError` if the model refers to external data, wherever it points. Returns why the
    bytes are not well-formed protobuf (None when they are): the caller lets onnxruntime name what is
    wrong with such a file, and refuses it should onnxruntime accept what this scan could not read."""
    try:
        found = external_tensors(data)
    except ValueError as exc:
        return str(exc)
    if found:
        shown = ", ".join(found[:3]) + (f" and {len(found) - 3} more" if len(found) > 3 else "")
        raise ModelError(f"{source}: cannot load a model whose tensors keep their data in a side file "
                         f"({len(found)}: {shown}); a sidl model keeps its weights inside each .onnx file "
                         "(re-export it with `sidl export`)")
    return None
