"""Spreadsheet downloads (CSV or XLSX) that every app's exports share, with formula injection
neutralised: a cell a spreadsheet would run as a formula is written as text.

Times go out as ISO 8601 text with the offset of the program's time zone, to the second
(`2026-12-02T14:05:09+01:00`): spreadsheets have no time zones, so a date-time cell would drop
the offset, and the same text in CSV and XLSX reads the same in every tool and sorts as written.
An XLSX file opens with its header row bold and frozen, and each column as wide as its content."""

import io
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd
from django.http import HttpResponse
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_COLUMN_WIDTH = 60  # characters: a column of long notes stays on the screen, its cells show the rest when selected
COLUMN_PADDING = 2


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


def iso_moment(moment: datetime | None, time_zone: str) -> str | None:
    """`moment` as ISO 8601 in `time_zone`, with its offset and without fractions of a second."""
    if moment is None:
        return None
    return moment.astimezone(ZoneInfo(time_zone)).replace(microsecond=0).isoformat()


def spreadsheet_response(frame: pd.DataFrame, fmt: str, *, filename: str, sheet_name: str,
                         float_format: str | None = None) -> HttpResponse:
    """A download of `frame` as `<filename>.<fmt>`, fmt being "csv" or "xlsx"."""
    if fmt == "csv":
        response = HttpResponse(frame.to_csv(index=False, float_format=float_format), content_type="text/csv; charset=utf-8")
    else:
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            frame.to_excel(writer, index=False, sheet_name=sheet_name)
            _lay_out(writer.sheets[sheet_name], frame)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _lay_out(sheet, frame: pd.DataFrame) -> None:
    """Bold, frozen header row; every column as wide as its longest value or header (up to MAX_COLUMN_WIDTH)."""
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
    for index, column in enumerate(frame.columns, start=1):
        longest = frame[column].dropna().astype(str).str.len().max() if len(frame) else 0
        width = max(len(str(column)), 0 if pd.isna(longest) else int(longest)) + COLUMN_PADDING
        sheet.column_dimensions[get_column_letter(index)].width = min(width, MAX_COLUMN_WIDTH)
