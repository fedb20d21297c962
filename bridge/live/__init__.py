"""The live bridge's parts: note-off ledger, clocks, MIDI input decoding, rolling quantizer.

Each part is plain Python with injected time sources, so it is tested without ports or sleeps; the
daemon wires them to rtmidi and python-osc.
"""
