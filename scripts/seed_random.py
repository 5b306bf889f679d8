#!/usr/bin/env python3
"""spec 003's seeder under the spec's name: ``pgseed retail generate`` with the same flags.

    .venv/bin/python scripts/seed_random.py --full-new --seed 42 --stores 10 --products 50 \\
        --start-date 2024-01-01 --end-date 2024-12-31 --embedded --confirm

Run it with the project's environment (``make install`` creates ``.venv``). The
target comes from --database-url, $DATABASE_URL or --embedded.
"""

import sys

try:
    from pgseed.cli.retail import generate
except ImportError as exc:  # run with a Python that does not have pgseed installed
    sys.exit(
        f"error: pgseed is not installed for {sys.executable} ({exc}).\n"
        "Fix: run `make install` at the repo root, then `.venv/bin/python scripts/seed_random.py ...`."
    )

if __name__ == "__main__":
    generate(prog_name="seed_random.py")
