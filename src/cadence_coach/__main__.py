"""``python -m cadence_coach`` runs the command line."""

from .cli import main

raise SystemExit(main())
