"""sidl: play live with a learned, sparse, shift-invariant dictionary of musical patterns.

The one installed package. Its parts live in the repository's top-level folders and are installed
under this namespace:

- :mod:`sidl.bridge` — the torch-free runtime a performer installs: MIDI ↔ grid codecs, the ONNX
  engine, sparse-code operations, offline tools, the live daemon (``bridge/``).
- :mod:`sidl.models` — torch: networks, datasets, training, evaluation (``models/``, ``[train]`` extra).
- :mod:`sidl.export` — torch → ONNX with metadata and a parity check (``export/``, ``[train]`` extra).
- :mod:`sidl.cli` — the ``sidl`` command, the one layer that sees all the others.
"""

__version__ = "0.2.0"

__all__ = ["__version__"]
