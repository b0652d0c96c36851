"""Spreadsheet downloads (CSV or XLSX) that every app's exports share, with formula injection
neutralised: a cell a spreadsheet would run as a formula is written as text."""

import io
from collections.abc import Iterable

import pandas as pd
from django.http import HttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """`frame` with every text cell (of `columns`, or of all columns) neutralised."""
    if columns is None:
        return frame.map(neutralise)
    frame = frame.copy()
    for column in columns:
        frame[column] = frame[column].map(neutralise)
    return frame


def spreadsheet_response(frame: pd.DataFrame, fmt: str, *, filename: str, sheet_name: str,
                         float_format: str | None = None) -> HttpResponse:
    """A download of `frame` as `<filename>.<fmt>`, fmt being "csv" or "xlsx"."""
    if fmt == "csv":
        response = HttpResponse(frame.to_csv(index=False, float_format=float_format), content_type="text/csv; charset=utf-8")
    else:
        buffer = io.BytesIO()
        frame.to_excel(buffer, index=False, sheet_name=sheet_name, engine="openpyxl")
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
