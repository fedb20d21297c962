"""``python -m bridge`` runs the ``sidl`` command."""

import sys

from bridge.cli import main

sys.exit(main())
