"""``python -m nixpos`` is ``nixpos``, the till."""

from nixpos.client.app import main

raise SystemExit(main())
