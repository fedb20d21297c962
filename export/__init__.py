"""torch → ONNX export with metadata and a parity check (the engine issue). Nothing is exported yet:
the foundation ships safetensors checkpoints under ``models/shipped``."""
