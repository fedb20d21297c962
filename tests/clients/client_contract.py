"""What one client file says on the wire, as its extractor reads it from the file itself.

Each client format has an extractor module in this folder (``extract_pd.py``, ``extract_max.py``,
``extract_surface.py``) with ``uses(path) -> list[ClientUse]`` and ``target_ports(path) -> list[int]``
(the UDP ports the file sends to), and, for following the bridge: ``followers(path) -> list[Follower]``
(controls moved by the state reply and the per-bar feedback, without echo), ``query_triggers(path)``
(when the client asks for the state: "open", "reconnect", "port"), ``per_bar_prints(path)`` (console
output on per-bar feedback) and ``choice_labels(path)`` (what a choice control shows per choice). ``test_contract.py`` checks every use against the daemon's OSC
table (``bridge/live/osc_table.py``). Extractors parse the file; they never import its generator.
"""

from __future__ import annotations

from dataclasses import dataclass

NUMBER = "number"  # an int or float argument (OSC i or f; the daemon rounds where it wants an int)
STRING = "str"  # a symbol / string argument (OSC s)


@dataclass(frozen=True)
class ClientUse:
    address: str  # e.g. "/sidl/denoise"
    direction: str  # "send": client → bridge; "expect": bridge → client (feedback the client routes)
    types: tuple[str, ...]  # per argument, NUMBER or STRING; for "expect", the arguments it unpacks (may be ())
    where: str  # where in the file, for error messages (box id, object index, widget id)
    # per argument, the value the file fixes (a mode name, a slot number) or None where it varies;
    # () when the extractor does not say. Fixed values are checked against the table's choices and ranges.
    literals: tuple[str | float | None, ...] = ()


@dataclass(frozen=True)
class Follower:
    """A control that the bridge's feedback moves without the client sending anything back."""

    source: str  # "state:<key>" (a key of the /sidl/state JSON) or "<feedback address>#<argument index>"
    address: str  # the /sidl/... address the moved control sends when a performer touches it
    where: str  # where in the file, for error messages
