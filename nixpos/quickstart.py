"""``python -m nixpos.quickstart``: the whole product on its embedded default, for a first look.

Creates (or reuses) a SQLite database in ``--data-dir``, the demo shop
Lumière Coffee with fresh PINs and enrollment codes, prints them, and
serves the API with waitress until Ctrl+C.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import platformdirs

from nixpos.server import cli


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nixpos.quickstart", description=__doc__)
    default_dir = Path(platformdirs.user_data_dir("nixpos", appauthor=False)) / "demo"
    parser.add_argument("--data-dir", type=Path, default=default_dir)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["NIXPOS_DATABASE_URL"] = f"sqlite:///{args.data_dir / 'nixpos.db'}"
    for step in (["init"], ["demo"]):
        if status := cli.main(step):
            return status
    print(f"\nServer: http://127.0.0.1:{args.port}  (API description: /api/v1/openapi.json)")
    print("Stop with Ctrl+C.\n", flush=True)
    return cli.main(["serve", "--port", str(args.port)])


if __name__ == "__main__":
    sys.exit(main())
