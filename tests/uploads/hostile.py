"""Hostile and broken files, built in code: the upload tests assert each is refused, and
bench/uploads.py measures the time and memory it takes to refuse each."""

import io
import re
import zipfile
from datetime import datetime

from openpyxl import Workbook

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '</Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>{doctype}'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Contacts{entity}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET = (
    '<?xml version="1.0" encoding="UTF-8"?>{doctype}'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dimension}'
    '<sheetData>{rows}</sheetData></worksheet>'
)
LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{n} "{("&lol%s;" % (n - 1 if n > 1 else "")) * 10}">' for n in range(1, 10))
          + ']>')
EXTERNAL = '<!DOCTYPE r [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'


def _row(number, cells):
    inner = "".join(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>' for ref, text in cells)
    return f'<row r="{number}">{inner}</row>'


def workbook(rows="", dimension="", sheet_doctype="", book_doctype="", book_entity="", content_types=True,
             extra=None) -> bytes:
    """A minimal .xlsx, written member by member so that each part can be made hostile."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if content_types:
            archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK.format(doctype=book_doctype, entity=book_entity))
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        dimension_tag = f'<dimension ref="{dimension}"/>' if dimension else ""
        archive.writestr("xl/worksheets/sheet1.xml",
                         SHEET.format(doctype=sheet_doctype, dimension=dimension_tag, rows=rows))
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


FIXED_TIME = datetime(2026, 1, 5, 9, 30)


def contacts_xlsx(rows) -> bytes:
    """A well-formed workbook as Excel users send it (written by openpyxl), the same bytes every run."""
    book = Workbook()
    book.properties.created = book.properties.modified = FIXED_TIME
    for row in rows:
        book.active.append(list(row))
    written = io.BytesIO()
    book.save(written)
    # openpyxl stamps each member with the current time; repacked with a fixed one, tests that
    # mutate the bytes try the same variants on every run.
    buffer = io.BytesIO()
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "docProps/core.xml":  # openpyxl sets "modified" to now when it saves
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-01-05T09:30:00Z", data)
            target.writestr(zipfile.ZipInfo(member.filename, FIXED_TIME.timetuple()[:6]), data)
    return buffer.getvalue()


HEADER = ("name", "email", "company", "partner")


def far_cell(row, declared=True) -> bytes:
    """One cell at column XFD (the last), on `row`: the whole sheet is 16,384 columns wide."""
    cell = f"XFD{row}"
    return workbook(rows=_row(row, [(cell, "x")]), dimension=f"A1:{cell}" if declared else "")


def zip_bomb(size=80 * 1024 * 1024) -> bytes:
    """A workbook with a member of `size` zero bytes that compresses a thousandfold."""
    buffer = io.BytesIO(workbook(rows=_row(1, [("A1", "name")])))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive, archive.open("xl/media/zeros.bin", "w") as member:
        block = bytes(1024 * 1024)
        for _ in range(size // len(block)):
            member.write(block)
    return buffer.getvalue()


def _header_row():
    return _row(1, [(f"{'ABCD'[n]}1", name) for n, name in enumerate(HEADER)])


def truncated_sheet() -> bytes:
    """A sound zip whose sheet XML stops in the middle of an element."""
    full = SHEET.format(doctype="", dimension="", rows=_header_row() + _row(2, [("A2", "Dana")]))
    return _with_sheet(full[: len(full) // 2])


def _with_sheet(sheet_xml: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook())) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            out.writestr(item.filename, sheet_xml if item.filename.endswith("sheet1.xml") else source.read(item))
    return buffer.getvalue()


CSV_TEXT = b"name,email,company,partner\nDana,dana@fabrikam.example,Fabrikam,Northwind Traders\n"

# name → (file name, bytes); each must be refused with an error on the file field.
HOSTILE = {
    "cell at XFD3000": lambda: ("contacts.xlsx", far_cell(3000)),
    "cell at XFD1048576": lambda: ("contacts.xlsx", far_cell(1048576)),
    "cell at XFD1048576, no dimension": lambda: ("contacts.xlsx", far_cell(1048576, declared=False)),
    "CSV renamed .xlsx": lambda: ("contacts.xlsx", CSV_TEXT),
    "zip without [Content_Types].xml": lambda: ("contacts.xlsx", workbook(rows=_header_row(), content_types=False)),
    "truncated zip": lambda: ("contacts.xlsx", contacts_xlsx([HEADER])[:900]),
    "truncated sheet": lambda: ("contacts.xlsx", truncated_sheet()),
    "zip bomb member": lambda: ("contacts.xlsx", zip_bomb()),
    "billion laughs in the sheet": lambda: ("contacts.xlsx", workbook(rows=_header_row(), sheet_doctype=LAUGHS)),
    "billion laughs in the workbook": lambda: ("contacts.xlsx", workbook(book_doctype=LAUGHS, book_entity="&lol9;")),
    "external entity": lambda: ("contacts.xlsx", workbook(book_doctype=EXTERNAL, book_entity="&secret;")),
    "oversize CSV": lambda: ("contacts.csv", CSV_TEXT + b"a,b,c,d\n" * (6 * 1024 * 1024 // 8)),
    "CSV of 5 million columns": lambda: ("contacts.csv", b"," * (5 * 1024 * 1024 - 1)),
    "Latin-1 CSV": lambda: ("contacts.csv", "name,email,company,partner\nJosé,j@x.example,Café,N\n".encode("latin-1")),
    "legacy .xls": lambda: ("contacts.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000)),
}
