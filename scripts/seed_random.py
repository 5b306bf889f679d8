#!/usr/bin/env python3
"""spec 003's seeder under the spec's name: ``pgseed retail generate`` with the same flags.

    python scripts/seed_random.py --full-new --seed 42 --stores 10 --products 50 \\
        --start-date 2024-01-01 --end-date 2024-12-31 --embedded --confirm

Run it with the project's environment (``.venv/bin/python scripts/seed_random.py``
after ``make install``). The target comes from --database-url, $DATABASE_URL or
--embedded.
"""

import sys

from pgseed.cli import main

if __name__ == "__main__":
    main(["retail", "generate", *sys.argv[1:]], prog_name="seed_random.py")
