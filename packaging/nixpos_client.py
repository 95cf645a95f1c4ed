"""Entry point of the frozen ``nixpos`` (the till)."""

import sys

from nixpos.client.app import main

sys.exit(main())
