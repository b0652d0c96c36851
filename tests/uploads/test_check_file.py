"""check_file: files stored as they are (proofs, logos) are allowed by content and size, not by name."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from prm.uploads import check_file, read_capped

from .hostile import HEADER, contacts_xlsx, workbook

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
JPEG = b"\xff\xd8\xff\xe0" + bytes(64)
PROOFS = ("pdf", "png", "jpeg")


@pytest.mark.parametrize(("name", "data", "kind"), [
    ("invoice.pdf", PDF, "pdf"), ("booth.PNG", PNG, "png"), ("booth.jpg", JPEG, "jpeg"), ("booth.jpeg", JPEG, "jpeg"),
])
def test_an_allowed_file_is_accepted_and_rewound(name, data, kind):
    upload = SimpleUploadedFile(name, data)
    assert check_file(upload, allowed_types=PROOFS, max_bytes=1024) == kind
    assert upload.read() == data


def refusal(name, data, max_bytes=1024, field="file"):
    with pytest.raises(ValidationError) as caught:
        check_file(SimpleUploadedFile(name, data), allowed_types=PROOFS, max_bytes=max_bytes, field=field)
    assert list(caught.value.message_dict) == [field]
    return caught.value.message_dict[field][0].replace("\xa0", " ")


@pytest.mark.parametrize(("name", "data", "message"), [
    ("invoice.exe", PDF, "Upload a .pdf, .png or .jpg file."),
    ("invoice.pdf", b"<html><script>alert(1)</script>", "This file is named .pdf but its content is not a .pdf file."),
    ("booth.png", JPEG, "This file is named .png but its content is not a .png file."),
    ("booth.jpg", b"GIF89a" + bytes(10), "This file is named .jpg but its content is not a .jpg file."),
], ids=["name", "html as pdf", "jpeg as png", "gif as jpg"])
def test_a_file_whose_name_or_content_is_not_allowed_is_refused(name, data, message):
    assert refusal(name, data) == message


def test_a_file_over_the_cap_is_refused_on_the_given_field():
    assert refusal("invoice.pdf", PDF + bytes(2000), field="proof") == \
        "The file is larger than 1.0 KB; split it or make it smaller."


class Endless(io.RawIOBase):
    """A file that never ends and counts what was read from it."""

    name = "endless.csv"
    read_bytes = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        buffer[:] = b"a" * len(buffer)
        self.read_bytes += len(buffer)
        return len(buffer)

    def seek(self, offset, whence=0):
        return 0


def test_reading_stops_past_the_cap_without_trusting_a_declared_size():
    endless = Endless()
    with pytest.raises(ValidationError):
        read_capped(endless, max_bytes=1024 * 1024)
    assert endless.read_bytes <= 1024 * 1024 + 64 * 1024  # one chunk past the cap at most


ZIP_BYTES = b"PK\x03\x04" + bytes(64)


@pytest.mark.parametrize("name", ["deck.pptx", "brief.docx", "kit.zip"])
def test_zip_based_files_are_told_by_their_name_once_the_content_is_a_zip(name):
    kinds = ("docx", "pptx", "zip", "xlsx")
    assert check_file(SimpleUploadedFile(name, ZIP_BYTES), allowed_types=kinds, max_bytes=1024) == name.rsplit(".", 1)[1]


def test_a_pptx_that_is_no_zip_is_refused():
    with pytest.raises(ValidationError) as caught:
        check_file(SimpleUploadedFile("deck.pptx", PDF), allowed_types=("pptx",), max_bytes=1024)
    assert "is named .pptx but its content is not a .pptx file" in caught.value.message_dict["file"][0]


# A stored workbook is opened as a zip before it is accepted: a zip bomb is refused before anyone downloads it.

WORKBOOKS = ("xlsx", "pdf")
TOO_BIG = "Unpacked, this workbook would take more than 64.0 MB. Save the data alone in a new workbook, or as CSV."


def _with_zeros(size: int) -> bytes:
    """A workbook with one more member of `size` zero bytes, deflated to about a thousandth of it."""
    buffer = io.BytesIO(workbook())
    block = bytes(1024 * 1024)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive, archive.open("xl/media/zeros.bin", "w") as member:
        for _ in range(size // len(block)):
            member.write(block)
    return buffer.getvalue()


def _workbook_refusal(data, name="prices.xlsx"):
    with pytest.raises(ValidationError) as caught:
        check_file(SimpleUploadedFile(name, data), allowed_types=WORKBOOKS, max_bytes=20 * 1024 * 1024, field="proof")
    assert list(caught.value.message_dict) == ["proof"]
    [error] = caught.value.error_dict["proof"]
    return error.code, caught.value.message_dict["proof"][0].replace("\xa0", " ")


def test_a_workbook_is_accepted_and_rewound():
    data = contacts_xlsx([HEADER, ("Dana", "dana@fabrikam.example", "Fabrikam", "Northwind Traders")])
    upload = SimpleUploadedFile("prices.xlsx", data)
    assert check_file(upload, allowed_types=WORKBOOKS, max_bytes=len(data)) == "xlsx"
    assert upload.read() == data


@pytest.mark.parametrize("size", [2 * 1024 * 1024, 80 * 1024 * 1024], ids=["past the ratio", "past the total"])
def test_a_workbook_zip_bomb_is_refused(size):
    data = _with_zeros(size)
    member = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/media/zeros.bin")
    assert member.file_size == size and member.compress_size * 100 < size  # declares far more than it holds
    assert len(data) < 1024 * 1024  # the upload itself is small: its size cap cannot catch it
    assert _workbook_refusal(data) == ("too_large", TOO_BIG)


def test_a_member_that_compresses_well_but_stays_small_is_accepted():
    data = _with_zeros(1024 * 1024)  # a megabyte of zeros: a high ratio, but not past RATIO_FROM
    assert check_file(SimpleUploadedFile("prices.xlsx", data), allowed_types=WORKBOOKS, max_bytes=len(data)) == "xlsx"


def test_a_workbook_of_too_many_members_is_refused():
    data = workbook(extra={f"xl/media/{n}.bin": b"" for n in range(500)})
    assert _workbook_refusal(data) == ("too_large", TOO_BIG)


@pytest.mark.parametrize(("data", "code"), [
    (ZIP_BYTES, "damaged"),
    (contacts_xlsx([HEADER])[:900], "damaged"),
    (workbook(content_types=False), "file_type"),
], ids=["zip header only", "truncated", "zip but no workbook"])
def test_a_workbook_that_does_not_open_as_one_is_refused(data, code):
    assert _workbook_refusal(data)[0] == code
