"""Entry point of `python -m tools.cycles`."""

from tools.cycles.cli import main

raise SystemExit(main())
