"""Rows of a CSV upload: UTF-8 text, delimiter guessed from the header line, limits while reading."""

import csv
import io
from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .errors import too_many_rows

DELIMITERS = ",;\t|"
MAX_FIELD = csv.field_size_limit()  # one cell (128 KiB): the csv module refuses a longer one
# One physical line: the csv module builds a whole record before we can cut it to max_columns, so a
# 5 MB line of commas would be a list of five million cells.
MAX_LINE = 1024 * 1024


def csv_rows(data: bytes, *, max_rows: int, max_columns: int) -> Iterator[tuple[int, list[str]]]:
    """(record number, values) of a CSV file, at most `max_rows` + 1 records of `max_columns` values."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("This file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again."),
                              code="file_type") from None
    header = text[:text.find("\n")] if "\n" in text[:MAX_FIELD] else text[:MAX_FIELD]
    try:
        dialect = csv.Sniffer().sniff(header, delimiters=DELIMITERS)
    except csv.Error:
        dialect = csv.excel  # one column, or nothing to tell by: commas
    reader = csv.reader(_lines(text), delimiter=dialect.delimiter)
    try:
        for number, values in enumerate(reader, start=1):
            if number > max_rows + 1:
                raise too_many_rows(max_rows)
            yield number, values[:max_columns]
    except csv.Error:
        raise ValidationError(_("This CSV file could not be read: a cell is longer than %(max)s characters, or a "
                                "quote is not closed.") % {"max": f"{MAX_FIELD:,}"}, code="damaged") from None


def _lines(text: str) -> Iterator[str]:
    for line in io.StringIO(text, newline=""):
        if len(line) > MAX_LINE:
            raise ValidationError(_("A line of this CSV file is longer than %(max)s characters. Check that it "
                                    "holds one row per line, and save it as CSV again.") % {"max": f"{MAX_LINE:,}"},
                                  code="damaged")
        yield line
