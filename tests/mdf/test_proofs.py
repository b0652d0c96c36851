"""Proof of performance on a claim: each file is checked by content and size before anything is stored.
A refused claim leaves no Claim, no ClaimProof and no file in storage, and its error names the file."""

import io
import os
import zipfile
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from mdf import claims
from mdf.models import Claim, ClaimProof, LedgerEntry, Operation
from tests.uploads.hostile import contacts_xlsx, workbook

from .helpers import allocation, approved_request, assert_balances_are_sums, ended, funded_budget, key, pdf

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(128)  # a Windows program's first bytes
PDF_HEAD = b"%PDF-1.4\n"


@pytest.fixture
def claimable(acme, world):
    manager = world.acme_manager.user
    budget = funded_budget(acme, manager, "10000")
    allocation(budget, world.northwind, manager, "3000")
    return ended(approved_request(world.northwind, manager, amount="800"))


@pytest.fixture
def partner_user(world):
    return world.northwind_admin.user


def _submit(request, user, proofs):
    return claims.claim_submit(request=request, actor=user, key=key("claim"), amount=Decimal("100"), proofs=proofs)


def _stored_files():
    root = os.path.join(settings.MEDIA_ROOT, "mdf-proof")
    return [name for _dirs, _subdirs, names in os.walk(root) for name in names]


def _refused(request, user, proofs) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        _submit(request, user, proofs)
    assert list(refused.value.message_dict) == ["proof"]
    assert (Claim.objects.count(), ClaimProof.objects.count(), _stored_files()) == (0, 0, [])
    assert not Operation.objects.filter(name="claim.submit").exists()
    assert not LedgerEntry.objects.filter(source__startswith="mdf.claim:").exists()
    assert_balances_are_sums()
    return [message.replace("\xa0", " ") for message in refused.value.message_dict["proof"]]


def _zeros_workbook(size: int) -> bytes:
    """A workbook with one more member of `size` zero bytes, deflated: it declares `size` inflated
    for a compressed size about a thousandth of it."""
    buffer = io.BytesIO(workbook())
    block = bytes(1024 * 1024)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive, archive.open("xl/media/zeros.bin", "w") as member:
        for _ in range(size // len(block)):
            member.write(block)
    return buffer.getvalue()


def test_good_proof_of_every_kind_is_stored_with_the_claim(claimable, partner_user):
    files = [pdf("invoice.pdf"), SimpleUploadedFile("booth.png", PNG),
             SimpleUploadedFile("booth.jpg", b"\xff\xd8\xff\xe0" + bytes(64)),
             SimpleUploadedFile("attendees.xlsx", contacts_xlsx([("name", "email"), ("Dana", "d@x.example")])),
             SimpleUploadedFile("attendees.csv", b"name,email\nDana,d@x.example\n")]
    claim = _submit(claimable, partner_user, files)
    proofs = list(claim.proofs.order_by("pk"))
    assert [(p.name, p.kind) for p in proofs] == [("invoice.pdf", "pdf"), ("booth.png", "png"), ("booth.jpg", "jpeg"),
                                                  ("attendees.xlsx", "xlsx"), ("attendees.csv", "csv")]
    assert len(_stored_files()) == 5
    with proofs[1].file.open("rb") as stored:
        assert stored.read() == PNG


@pytest.mark.parametrize(("name", "data", "expected"), [
    ("booth.pdf", PNG, "booth.pdf: This file is named .pdf but its content is not a .pdf file."),
    ("setup.pdf", EXE, "setup.pdf: This file is named .pdf but its content is not a .pdf file."),
    ("setup.exe", EXE, "setup.exe: Upload a .pdf, .png, .jpg, .xlsx or .csv file."),
    ("invoice.png", PDF_HEAD + bytes(64), "invoice.png: This file is named .png but its content is not a .png file."),
], ids=["png named pdf", "exe named pdf", "exe", "pdf named png"])
def test_a_proof_of_the_wrong_kind_by_content_is_refused_naming_the_file(claimable, partner_user, name, data, expected):
    assert _refused(claimable, partner_user, [pdf("good.pdf"), SimpleUploadedFile(name, data)]) == [expected]


def test_a_proof_just_over_ten_megabytes_is_refused(claimable, partner_user):
    big = PDF_HEAD + bytes(claims.PROOF_MAX_BYTES + 1 - len(PDF_HEAD))
    assert _refused(claimable, partner_user, [SimpleUploadedFile("scan.pdf", big)]) == [
        "scan.pdf: The file is larger than 10.0 MB; split it or make it smaller."]


def test_a_proof_of_exactly_ten_megabytes_is_accepted(claimable, partner_user):
    exact = PDF_HEAD + bytes(claims.PROOF_MAX_BYTES - len(PDF_HEAD))
    claim = _submit(claimable, partner_user, [SimpleUploadedFile("scan.pdf", exact)])
    assert claim.proofs.get().size == claims.PROOF_MAX_BYTES


@pytest.mark.parametrize("size", [2 * 1024 * 1024, 80 * 1024 * 1024], ids=["ratio", "total"])
def test_an_xlsx_zip_bomb_is_refused_naming_the_file(claimable, partner_user, size):
    bomb = _zeros_workbook(size)
    member = zipfile.ZipFile(io.BytesIO(bomb)).getinfo("xl/media/zeros.bin")
    assert member.file_size == size and member.compress_size * 100 < size  # tiny compressed, huge inflated
    assert _refused(claimable, partner_user, [pdf(), SimpleUploadedFile("attendees.xlsx", bomb)]) == [
        "attendees.xlsx: Unpacked, this workbook would take more than 64.0 MB. Save the data alone in a new workbook, "
        "or as CSV."]


def test_an_xlsx_that_is_no_workbook_is_refused_naming_the_file(claimable, partner_user):
    assert _refused(claimable, partner_user, [SimpleUploadedFile("attendees.xlsx", b"PK\x03\x04" + bytes(64))]) == [
        "attendees.xlsx: This Excel file is damaged or incomplete. Open it in Excel, save it again and upload it again."]


def test_more_than_ten_files_are_refused(claimable, partner_user):
    messages = _refused(claimable, partner_user, [pdf(f"invoice-{n}.pdf") for n in range(claims.PROOF_MAX_FILES + 1)])
    assert messages == ["Attach at most 10 files to one claim."]


def test_ten_files_are_accepted(claimable, partner_user):
    claim = _submit(claimable, partner_user, [pdf(f"invoice-{n}.pdf") for n in range(claims.PROOF_MAX_FILES)])
    assert claim.proofs.count() == 10 and len(_stored_files()) == 10


def test_a_claim_without_proof_is_refused(claimable, partner_user):
    assert _refused(claimable, partner_user, []) == [
        "Attach the proof of performance: invoices, photos or an attendee list."]
