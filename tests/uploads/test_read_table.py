"""read_table: a spreadsheet upload as strings, every hostile or broken file refused on the field."""

import io
import zipfile
from collections import Counter
from random import Random

import openpyxl
import pytest
from defusedxml.ElementTree import iterparse as defused_iterparse
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl.xml import functions as openpyxl_xml

from prm.uploads import read_table
from prm.uploads.spreadsheet import MAX_RATIO, sheet_rows

from .hostile import CSV_TEXT, HEADER, HOSTILE, contacts_xlsx, far_cell, workbook, zip_bomb


def refusal(name, data, **limits):
    with pytest.raises(ValidationError) as caught:
        read_table(SimpleUploadedFile(name, data), **{"max_rows": 20000, **limits})
    assert list(caught.value.message_dict) == ["file"]
    [message] = caught.value.message_dict["file"]
    return message.replace("\xa0", " ")  # filesizeformat keeps "5.0 MB" on one line


EXPECTED = {
    "cell at XFD1048576": "The sheet reaches down to cell XFD1048576; import at most 20,000 rows at a time.",
    "cell at XFD1048576, no dimension": "The file has more than 20,000 rows; import at most 20,000 at a time.",
    "CSV renamed .xlsx": "This file is named .xlsx but holds text (CSV).",
    "zip without [Content_Types].xml": "This file is a zip archive but not an Excel workbook.",
    "truncated zip": "This Excel file is damaged or incomplete.",
    "truncated sheet": "This Excel file is damaged or incomplete.",
    "zip bomb member": "Unpacked, this workbook would take more than 64.0 MB.",
    "billion laughs in the sheet": "This workbook contains XML that is not allowed (entity declarations).",
    "billion laughs in the workbook": "This workbook contains XML that is not allowed (entity declarations).",
    "external entity": "This workbook contains XML that is not allowed (entity declarations).",
    "oversize CSV": "The file is larger than 5.0 MB; split it or make it smaller.",
    "CSV of 5 million columns": "A line of this CSV file is longer than 1,048,576 characters",
    "Latin-1 CSV": "This file is named .csv but is not UTF-8 text.",
    "legacy .xls": "This is an old-style or password-protected Excel file.",
}


@pytest.mark.parametrize("label", sorted(EXPECTED))
def test_a_hostile_or_broken_file_is_refused_on_the_file_field(label):
    name, data = HOSTILE[label]()
    assert refusal(name, data).startswith(EXPECTED[label])


def test_a_cell_at_column_xfd_does_not_widen_the_rows():
    # Read-only openpyxl pads every row to the widest column (16,384 cells a row) unless capped.
    rows = list(sheet_rows(far_cell(30), max_rows=100, max_columns=50))
    assert len(rows) == 30
    assert {len(values) for _, values in rows} == {50}
    assert read_table(SimpleUploadedFile("contacts.xlsx", far_cell(3000)), max_rows=20000).shape == (0, 0)


def test_cells_right_of_max_columns_are_ignored():
    rows = [("name", "email", "far"), ("Dana", "dana@fabrikam.example", "x")]
    frame = read_table(SimpleUploadedFile("contacts.xlsx", contacts_xlsx(rows)), max_rows=10, max_columns=2)
    assert list(frame.columns) == ["name", "email"]


def test_a_member_that_inflates_a_hundredfold_is_refused_below_the_total_cap():
    data = zip_bomb(size=4 * 1024 * 1024)  # 4 MB of zeros: far under the total, far over the ratio
    member = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/media/zeros.bin")
    assert member.file_size > MAX_RATIO * member.compress_size
    assert refusal("contacts.xlsx", data).startswith("Unpacked, this workbook would take more than")


def test_the_name_must_be_an_allowed_kind():
    assert refusal("contacts.txt", CSV_TEXT) == "Upload a .csv or .xlsx file."


def test_more_rows_than_the_cap_are_refused_while_reading_a_csv():
    data = CSV_TEXT + b"Lee,lee@litware.example,Litware,Northwind Traders\n"
    assert read_table(SimpleUploadedFile("c.csv", data), max_rows=2).shape == (2, 4)
    assert refusal("c.csv", data, max_rows=1) == "The file has more than 1 rows; import at most 1 at a time."


def test_rows_past_the_declared_dimension_are_refused_before_parsing():
    assert refusal("c.xlsx", contacts_xlsx([HEADER, HEADER, HEADER]), max_rows=1).startswith(
        "The sheet reaches down to cell D3; import at most 1 rows at a time.")


def test_a_column_named_twice_is_refused():
    data = b"name,email,Email\nDana,a@x.example,b@x.example\n"
    assert refusal("c.csv", data) == "The column “Email” appears twice in the first row; keep one."


@pytest.mark.parametrize("make", [
    lambda rows: ("c.csv", ("\n".join(",".join(r) for r in rows) + "\n").encode()),
    lambda rows: ("c.xlsx", contacts_xlsx(rows)),
], ids=["csv", "xlsx"])
def test_values_are_stripped_strings_indexed_by_their_row_in_the_file(make):
    rows = [(" Name", "Email ", "", "Seats"), ("Dana", " dana@fabrikam.example", "ignored", "12"),
            ("", "", "", ""), ("Lee", "", "", "3")]
    name, data = make(rows)
    frame = read_table(SimpleUploadedFile(name, data), max_rows=10)
    assert list(frame.columns) == ["Name", "Email", "Seats"]  # the unnamed column is dropped
    assert list(frame.index) == [2, 4]  # blank rows are left out; the numbers stay those of the file
    assert frame.to_dict("records") == [{"Name": "Dana", "Email": "dana@fabrikam.example", "Seats": "12"},
                                        {"Name": "Lee", "Email": "", "Seats": "3"}]


def test_a_semicolon_csv_with_a_byte_order_mark_is_read():
    data = "\ufeffname;email\nJosé;jose@cafe.example\n".encode()
    frame = read_table(SimpleUploadedFile("c.csv", data), max_rows=10)
    assert frame.to_dict("records") == [{"name": "José", "email": "jose@cafe.example"}]


def test_openpyxl_parses_workbooks_with_defusedxml():
    assert openpyxl.DEFUSEDXML is True
    assert openpyxl_xml.iterparse is defused_iterparse


def test_a_workbook_without_a_dimension_is_read_row_by_row():
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>' \
           '<row r="3"><c r="A3" t="inlineStr"><is><t>Dana</t></is></c></row>'
    frame = read_table(SimpleUploadedFile("c.xlsx", workbook(rows=rows)), max_rows=10)
    assert frame.to_dict("index") == {3: {"name": "Dana"}}


def _with_compression_method(data, method):
    """The workbook with every member marked as packed by `method`, in local and central headers."""
    patched = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        start = patched.find(signature)
        while start != -1:
            patched[start + offset:start + offset + 2] = method.to_bytes(2, "little")
            start = patched.find(signature, start + 4)
    return bytes(patched)


@pytest.mark.parametrize("method", [99, 12345])  # 99: AES encryption; neither is a method zipfile reads
def test_a_member_packed_with_an_unknown_method_is_refused(method):
    data = _with_compression_method(workbook(rows='<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>'), method)
    assert _outcome("contacts.xlsx", data) == "refused"


def _outcome(name, data):
    try:
        read_table(SimpleUploadedFile(name, data), max_rows=100)
    except ValidationError as exc:
        assert list(exc.message_dict) == ["file"]
        return "refused"
    return "read"


def test_a_workbook_cut_anywhere_or_with_bytes_changed_is_read_or_refused_never_an_error():
    data = contacts_xlsx([HEADER, ("Dana", "dana@fabrikam.example", "Fabrikam", "Northwind Traders")])
    random = Random(8)
    cut = [data[:size] for size in range(0, len(data), 97)]
    changed = []
    for _ in range(150):
        mutable = bytearray(data)
        for position in random.sample(range(len(data)), 3):
            mutable[position] = random.randrange(256)
        changed.append(bytes(mutable))
    assert {_outcome("contacts.xlsx", variant) for variant in cut} == {"refused"}
    # Any other exception fails the test: a changed byte is read (where nothing checks it) or refused.
    outcomes = Counter(_outcome("contacts.xlsx", variant) for variant in changed)
    assert outcomes["refused"] > 0
