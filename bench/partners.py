#!/usr/bin/env python
"""The figures issue 11 names, in one run: the partner import (bench/partner_import.py) and the
partner overview page (bench/partner_overview.py), each in its own process with its defaults.

    .venv/bin/python bench/partners.py [import|overview]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/partners.py

Each script's own options are there for other scales (`bench/partner_import.py --help`)."""

import subprocess
import sys
from pathlib import Path

BENCHES = {"import": "partner_import.py", "overview": "partner_overview.py"}


def main(argv=None):
    chosen = (argv if argv is not None else sys.argv[1:]) or list(BENCHES)
    unknown = [name for name in chosen if name not in BENCHES]
    if unknown:
        sys.exit(f"unknown bench {', '.join(unknown)}; choose from {', '.join(BENCHES)}")
    failed = 0
    for name in chosen:
        print(f"== {name}", flush=True)
        failed |= subprocess.call([sys.executable, str(Path(__file__).with_name(BENCHES[name]))])
    return failed


if __name__ == "__main__":
    sys.exit(main())
