"""Entry point of the frozen ``nixpos-server``."""

import sys

from nixpos.server.cli import main

sys.exit(main())
