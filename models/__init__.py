"""sidl models: the torch half — networks, datasets, training and held-out evaluation.

Public entry points:

- :class:`models.config.ModelConfig`, :class:`models.autoencoder.ConvWTAAutoencoder` — the Temporal
  CONV-WTA autoencoder (optional causal TCN front, k-WTA over atoms, time or bars).
- :mod:`models.datasets` — GMD (info.csv), the piano set (metadata.csv) and plain MIDI folders,
  encoded with :mod:`bridge.codecs` so that training and live play encode MIDI identically.
- :mod:`models.train` — ``sidl train``; :mod:`models.evaluate` — ``sidl eval``.
- :mod:`models.checkpoint` — safetensors + JSON checkpoints (never pickle), shipped models.
"""
