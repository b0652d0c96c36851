"""The embedded default's mailbox: one .eml file per message, named so the newest sorts first."""

import email
import email.policy
import os
from pathlib import Path

import pytest

from prm.outbox.eml_backend import EmlEmailBackend
from prm.outbox.models import EmailStatus, OutboundEmail
from prm.outbox.services import email_enqueue, emails_send


@pytest.fixture
def mail_dir(settings, tmp_path):
    settings.EMAIL_BACKEND = "prm.outbox.eml_backend.EmlEmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    return Path(settings.EMAIL_FILE_PATH)


def _read(path):
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def _enqueue(subject, to="rep@northwind.example", **fields):
    return email_enqueue(tenant=None, to=[to], subject=subject, body_text=f"Plain text of {subject}", send=False, **fields)


def test_each_message_is_its_own_eml_file_that_a_mail_client_reads(db, mail_dir):
    first = _enqueue("Approved: D-000006 Tailspin Toys", body_html="<p>Approved: <a href='http://acme.localhost:8000/'>open</a></p>")
    second = _enqueue("Ihre Meinung zu Initech Solutions", to="kunde@proseware.example")
    assert emails_send(email_ids=[first.pk, second.pk]) == 2  # one connection, two messages
    files = sorted(mail_dir.iterdir())
    assert [f.suffix for f in files] == [".eml", ".eml"]
    newest, oldest = (_read(f) for f in files)
    assert (oldest["Subject"], oldest["To"]) == ("Approved: D-000006 Tailspin Toys", "rep@northwind.example")
    assert newest["Subject"] == "Ihre Meinung zu Initech Solutions"
    assert oldest["Date"] and oldest["Message-ID"] and oldest["From"]
    assert oldest.get_body(("plain",)).get_content().strip() == "Plain text of Approved: D-000006 Tailspin Toys"
    assert "http://acme.localhost:8000/" in oldest.get_body(("html",)).get_content()
    assert b"\r\n" in files[0].read_bytes()  # lines end as RFC 5322 says
    assert all(e.status == EmailStatus.SENT for e in OutboundEmail.objects.all())


def test_a_plain_listing_shows_the_newest_message_first_and_says_what_it_is(db, mail_dir):
    subjects = [f"Message {i}" for i in range(25)]
    for subject in subjects:  # one at a time: each its own connection, as separate tasks send them
        emails_send(email_ids=[_enqueue(subject).pk])
    names = sorted(os.listdir(mail_dir))
    assert [_read(mail_dir / name)["Subject"] for name in names] == subjects[::-1]
    assert names[0].endswith("-rep-northwind-example-message-24.eml")
    assert len({name[:16] for name in names}) == 25  # a countdown of its own for every message


def test_two_backends_at_the_same_moment_never_overwrite_each_other(db, mail_dir, monkeypatch):
    monkeypatch.setattr("prm.outbox.eml_backend.time.time_ns", lambda: 1_800_000_000_000_000_000)
    monkeypatch.setattr(EmlEmailBackend, "_last", 0)
    for body in ("One", "Two"):
        emails_send(email_ids=[email_enqueue(tenant=None, to=["a@b.example"], subject="Same", body_text=body, send=False).pk])
        monkeypatch.setattr(EmlEmailBackend, "_last", 0)  # as if another process had written the first
    assert sorted(_read(path).get_content().strip() for path in mail_dir.iterdir()) == ["One", "Two"]
