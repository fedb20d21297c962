"""``python -m sidl`` runs the ``sidl`` command."""

import sys

from sidl.cli import main

sys.exit(main())
