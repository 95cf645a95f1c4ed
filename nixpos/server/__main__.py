"""``python -m nixpos.server`` is ``nixpos-server``."""

from nixpos.server.cli import main

raise SystemExit(main())
