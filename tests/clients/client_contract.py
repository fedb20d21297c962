"""What one client file says on the wire, as its extractor reads it from the file itself.

Each client format has an extractor module in this folder (``extract_pd.py``, ``extract_max.py``,
``extract_surface.py``) with ``uses(path) -> list[ClientUse]`` and ``target_ports(path) -> list[int]``
(the UDP ports the file sends to). ``test_contract.py`` checks every use against the daemon's OSC
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
