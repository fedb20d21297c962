"""The one exception tree of sidl.

Every error raised on purpose by sidl derives from :class:`SidlError`, so a caller (the CLI, the
live daemon) can catch one type and report a clear message. Messages name the offending value and
what was expected.
"""

from __future__ import annotations


class SidlError(Exception):
    """Root of every error sidl raises on purpose."""


class ParameterError(SidlError, ValueError):
    """An argument or setting is out of range or of the wrong kind."""


class MidiFileError(SidlError):
    """A file is not readable MIDI, is empty, or holds nothing the codec can use."""


class UnsupportedMeterError(MidiFileError):
    """The file's time signature is one the codec does not handle (e.g. 3/4 for the drum codec)."""


class CodecMismatchError(SidlError):
    """Data or a model made for one codec was given to another (e.g. a piano file to the drum model)."""


class ModelError(SidlError):
    """A model or checkpoint is missing, unreadable, or contradicts its own description."""


class DatasetError(SidlError):
    """A dataset folder is missing, has an unknown layout, or an unknown split was asked for."""


class OutputError(SidlError):
    """An output cannot be written where it was asked for: a folder or a file is in the way, the place
    is read-only, or the disk is full. Nothing partial is left behind (:mod:`sidl.bridge.safe_io`)."""
