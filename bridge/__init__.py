"""sidl bridge: the live, torch-free half of sidl.

Public entry points (everything else is internal):

- :mod:`bridge.codecs` — MIDI ↔ grid codecs shared by training and live play:
  :func:`bridge.codecs.load_score`, :func:`bridge.codecs.save_score`,
  :class:`bridge.codecs.DrumCodec`, :class:`bridge.codecs.PianoCodec`, drum maps.
- :mod:`bridge.errors` — the exception tree rooted at :class:`bridge.errors.SidlError`.
- :mod:`bridge.cli` — the ``sidl`` command.

This package never imports torch (a test enforces it); its only heavy runtime dependency is
onnxruntime.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
