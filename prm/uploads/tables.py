"""A spreadsheet upload (.xlsx or .csv) as a DataFrame of strings, read under limits."""

import pandas as pd
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .delimited import csv_rows
from .files import HEAD, kind_checked, read_capped
from .kinds import kind_of_name
from .spreadsheet import MAX_UNCOMPRESSED, sheet_rows

TABLE_TYPES = ("csv", "xlsx")
MAX_BYTES = 5 * 1024 * 1024
MAX_COLUMNS = 50


def read_table(upload, *, max_rows: int, max_bytes: int = MAX_BYTES, max_columns: int = MAX_COLUMNS,
               max_unpacked: int = MAX_UNCOMPRESSED, fallback_encoding: str | None = None,
               field: str = "file") -> pd.DataFrame:
    """The first sheet (or the CSV) as strings: columns named by the first row, stripped; blank
    cells as ""; blank rows left out; the index is each row's number in the file (the header is 1).

    Cells right of `max_columns` and columns without a name are ignored. Raises ValidationError on
    `field` for a file that is too large, of another kind than its name says, damaged, longer
    than `max_rows` rows below the header, or with a column name twice.

    A CSV file is UTF-8 (with or without BOM); with `fallback_encoding` (e.g. "cp1252", what Excel
    on Windows saves as plain "CSV"), a file that is not UTF-8 is read in that encoding instead.
    `max_unpacked` caps an .xlsx inflated (see spreadsheet.py).
    """
    try:
        data = read_capped(upload, max_bytes=max_bytes)
        if fallback_encoding and kind_of_name(upload.name) == "csv":
            data = _as_utf8(data, fallback_encoding)
        kind = kind_checked(upload.name, data[:HEAD], TABLE_TYPES)
        if kind == "xlsx":
            rows = sheet_rows(data, max_rows=max_rows, max_columns=max_columns, max_unpacked=max_unpacked)
        else:
            rows = csv_rows(data, max_rows=max_rows, max_columns=max_columns)
        return _frame(rows)
    except ValidationError as exc:
        raise ValidationError({field: exc.error_list}) from None


def _as_utf8(data: bytes, encoding: str) -> bytes:
    """`data` as UTF-8: unchanged if it is UTF-8 already (or binary), else decoded from `encoding`."""
    if b"\x00" in data[:HEAD]:
        return data  # not text: the kind check refuses it
    try:
        data.decode("utf-8")
        return data
    except UnicodeDecodeError:
        pass
    try:
        return data.decode(encoding).encode("utf-8")
    except UnicodeDecodeError:
        return data  # not that encoding either: refused as not UTF-8


def _frame(rows) -> pd.DataFrame:
    header = next(rows, (None, ()))[1]
    names = [_cell(value) for value in header]
    while names and not names[-1]:
        names.pop()
    seen = set()
    for name in filter(None, names):
        if name.lower() in seen:
            raise ValidationError(_("The column “%(name)s” appears twice in the first row; keep one.")
                                  % {"name": name}, code="duplicate_column")
        seen.add(name.lower())
    keep = [position for position, name in enumerate(names) if name]
    numbers, records = [], []
    for number, values in rows:
        record = [_cell(values[position]) if position < len(values) else "" for position in keep]
        if any(record):
            numbers.append(number)
            records.append(record)
    return pd.DataFrame(records, columns=[names[position] for position in keep],
                        index=pd.Index(numbers, dtype="int64"), dtype=str)


def _cell(value) -> str:
    return "" if value is None else str(value).strip()
