"""``python -m extractors`` — see ``extractors.cli``."""

from extractors.cli import main

raise SystemExit(main())
