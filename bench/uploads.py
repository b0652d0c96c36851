#!/usr/bin/env python
"""Uploads: the time and peak memory it takes prm.uploads.read_table to refuse each hostile or
broken file of tests/uploads/hostile.py, and to read a full contacts file (20,000 rows).

    .venv/bin/python bench/uploads.py [--old]

Each file is read in a fresh process, so that its peak resident memory (ru_maxrss, above the
process's size after imports) is its own; the Python-level peak comes from tracemalloc. Goal per
hostile file: refused within 2 s and 100 MB. --old also runs the former reader (pandas read_excel
/ read_csv on the whole file) on the files where it finished, for comparison; it is not run on the
files of OLD_SKIPPED, where it ran out of memory. Figures are printed with PASS/MISS; nothing is
asserted.
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL_SECONDS, GOAL_MB = 2.0, 100
FULL = ("20,000-row contacts .xlsx", "20,000-row contacts .csv")
# Where the old reader ran out of memory (MemoryError), or passed 1.5 GB within a minute.
OLD_SKIPPED = ("cell at XFD1048576", "cell at XFD1048576, no dimension", "CSV of 5 million columns")


def _files():
    from tests.uploads.hostile import HEADER, HOSTILE, contacts_xlsx

    rows = [HEADER] + [(f"Person {n}", f"person{n}@example.com", f"Company {n}", "Northwind Traders")
                       for n in range(20000)]
    return {
        **HOSTILE,
        FULL[0]: lambda: ("contacts.xlsx", contacts_xlsx(rows)),
        FULL[1]: lambda: ("contacts.csv", ("\n".join(",".join(r) for r in rows) + "\n").encode()),
    }


def _old_reader(name, data):
    import io

    import pandas as pd

    if name.endswith(".xlsx"):
        return pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl")
    return pd.read_csv(io.BytesIO(data), dtype=str, encoding="utf-8-sig", sep=None, engine="python")


def measure(path, old):
    """Runs in the child process: one file, one reader; prints a JSON line.

    First timed, with the peak resident memory it adds; then once more under tracemalloc (which
    slows allocation-heavy code several times) for the peak of Python allocations."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from prm.uploads import read_table

    name, data = Path(path).name.split("--")[-1], Path(path).read_bytes()

    def read():
        try:
            if old:
                return f"read {_old_reader(name, data).shape}"
            return f"read {read_table(SimpleUploadedFile(name, data), max_rows=20000).shape}"
        except ValidationError as exc:
            return "refused: " + exc.message_dict["file"][0][:60].replace("\xa0", " ")
        except Exception as exc:  # noqa: BLE001 — the old reader's crash is a figure too
            return f"error: {type(exc).__name__}"

    base_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    outcome = read()
    seconds = time.perf_counter() - started
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base_kb
    traced = 0
    if not old:  # the old reader takes minutes on some files already
        tracemalloc.start()
        read()
        traced = tracemalloc.get_traced_memory()[1]
    print(json.dumps({"bytes": len(data), "seconds": seconds, "traced_mb": traced / 1e6,
                      "rss_mb": grown_kb / 1024, "outcome": outcome}))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--old", action="store_true", help="also run the former pandas reader")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--reader", default="new", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        return measure(args.one, args.reader == "old")
    sys.path.insert(0, str(ROOT))
    readers = ["new", "old"] if args.old else ["new"]
    folder = Path(tempfile.mkdtemp(prefix="bench-uploads-"))
    try:
        _run_all(folder, readers)
    finally:
        shutil.rmtree(folder)


def _run_all(folder, readers):
    print(f"{'file':38} {'reader':6} {'size':>10} {'time':>9} {'py peak':>9} {'rss +':>8}  goal outcome")
    for number, (label, make) in enumerate(_files().items()):
        name, data = make()
        path = folder / f"{number}--{name}"
        path.write_bytes(data)
        for reader in readers:
            if reader == "old" and label in OLD_SKIPPED:
                continue
            run = subprocess.run([sys.executable, __file__, "--one", str(path), "--reader", reader], cwd=ROOT,
                                 capture_output=True, text=True, timeout=900)
            if run.returncode:
                print(f"{label:38} {reader:6} crashed: {run.stderr.strip().splitlines()[-1:]}")
                continue
            got = json.loads(run.stdout.strip().splitlines()[-1])
            goal = "" if label in FULL or reader == "old" else (
                "PASS" if got["seconds"] <= GOAL_SECONDS and got["rss_mb"] <= GOAL_MB else "MISS")
            print(f"{label:38} {reader:6} {got['bytes']:>10,} {got['seconds']:>8.2f}s {got['traced_mb']:>7.1f}MB "
                  f"{got['rss_mb']:>6.1f}MB  {goal:4} {got['outcome']}")


if __name__ == "__main__":
    main()
