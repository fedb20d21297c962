"""sidl.bridge: the live, torch-free half of sidl (installed from the repository's ``bridge/``).

Public entry points (everything else is internal):

- :mod:`sidl.bridge.codecs` — MIDI ↔ grid codecs shared by training and live play: the
  :class:`~sidl.bridge.codecs.Codec` protocol, :class:`~sidl.bridge.codecs.DrumCodec`,
  :class:`~sidl.bridge.codecs.PianoCodec`, :func:`~sidl.bridge.codecs.load_score`, drum maps.
- :mod:`sidl.bridge.engine` — the onnxruntime engine for exported models.
- :mod:`sidl.bridge.errors` — the exception tree rooted at :class:`~sidl.bridge.errors.SidlError`.

This package never imports torch (a test enforces it); its only heavy runtime dependency is
onnxruntime.
"""
