"""Rows of the first sheet of an .xlsx, read in streaming mode under limits checked before parsing.

A workbook is a zip of XML files. Before openpyxl parses anything: the zip must list
[Content_Types].xml and a workbook part, its members must not inflate past a total size or a
compression ratio (zip bombs), and the first sheet must not declare more rows than the caller
takes. Then rows are streamed (read-only mode), at most `max_columns` wide: a cell at column XFD
would otherwise make openpyxl pad every row to 16,384 cells. XML is parsed by defusedxml (openpyxl
uses it when it is installed), which refuses entity expansion (billion laughs) and external
entities.
"""

import io
import zipfile
import zlib
from collections.abc import Iterator
from typing import BinaryIO
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import DEFUSEDXML, load_workbook
from openpyxl.utils.cell import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from .errors import too_many_rows

# openpyxl falls back to the unprotected stdlib parser without defusedxml: refuse to run like that.
if not DEFUSEDXML:
    raise ImproperlyConfigured("defusedxml must be installed (and OPENPYXL_DEFUSEDXML not False) to read workbooks")

MAX_UNCOMPRESSED = 64 * 1024 * 1024   # all members inflated; the shared strings are held in memory
MAX_RATIO = 100                       # inflated / compressed, for members past RATIO_FROM
RATIO_FROM = 1024 * 1024
MAX_MEMBERS = 500

# What a damaged or hand-made workbook makes openpyxl raise while it opens or streams it.
# NotImplementedError: a member packed with a method zipfile lacks; RuntimeError: an encrypted member.
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, IndexError, TypeError, ValueError, ParseError,
           NotImplementedError, RuntimeError, InvalidFileException, DefusedXmlException)

WORKBOOK_PART = "xl/workbook.xml"  # an .xlsb (xl/workbook.bin) is a zip too, but not one openpyxl reads


def _damaged():
    return ValidationError(_("This Excel file is damaged or incomplete. Open it in Excel, save it again and "
                             "upload it again."), code="damaged")


def check_archive(source: bytes | BinaryIO, max_unpacked: int = MAX_UNCOMPRESSED) -> None:
    """Refuse a workbook (its bytes, or a seekable file) that is no workbook or would inflate too far."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
        members = archive.infolist()
    except DAMAGED:
        raise _damaged() from None
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or WORKBOOK_PART not in names:
        raise ValidationError(_("This file is a zip archive but not an Excel workbook. Upload a workbook saved "
                                "by Excel (.xlsx) or a .csv file."), code="file_type")
    too_big = _("Unpacked, this workbook would take more than %(limit)s. Save the data alone in a new "
                "workbook, or as CSV.") % {"limit": filesizeformat(max_unpacked)}
    if len(members) > MAX_MEMBERS or sum(member.file_size for member in members) > max_unpacked:
        raise ValidationError(too_big, code="too_large")
    for member in members:
        # file_size is what the archive declares; zipfile never inflates a member past it.
        if member.file_size > RATIO_FROM and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise ValidationError(too_big, code="too_large")


def sheet_rows(data: bytes, *, max_rows: int, max_columns: int,
               max_unpacked: int = MAX_UNCOMPRESSED) -> Iterator[tuple[int, tuple]]:
    """(row number, values) of the first sheet, at most `max_rows` + 1 rows of `max_columns` values.

    Raises ValidationError for anything that is not a readable workbook within the limits; a
    sheet longer than `max_rows` + 1 rows (the header and the rows) is refused when its declared
    dimension says so, or when the row past the limit arrives. `max_unpacked` caps all members
    inflated (a caller that takes more rows than the default allows may raise it).
    """
    check_archive(data, max_unpacked)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except DAMAGED as exc:
        raise _refusal(exc) from None
    try:
        if not book.worksheets:
            raise ValidationError(_("This workbook has no sheet."), code="empty")
        sheet = book.worksheets[0]
        declared = sheet.max_row  # from <dimension ref="…">, when the file has one
        if declared is not None and declared > max_rows + 1:
            raise too_many_rows(max_rows, f"{get_column_letter(sheet.max_column or 1)}{declared}")
        rows = sheet.iter_rows(min_row=1, max_row=max_rows + 2, max_col=max_columns, values_only=True)
        for number, values in enumerate(rows, start=1):
            if number > max_rows + 1:
                raise too_many_rows(max_rows)
            yield number, values
    except DAMAGED as exc:
        raise _refusal(exc) from None
    finally:
        book.close()


def _refusal(exc: BaseException) -> ValidationError:
    """defusedxml's refusal, also when openpyxl wrapped it in a ValueError; else "damaged"."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, DefusedXmlException):
            return ValidationError(_("This workbook contains XML that is not allowed (entity declarations). Save "
                                     "it again from Excel and upload it again."), code="forbidden_xml")
        exc = exc.__cause__ or exc.__context__
    return _damaged()
