"""The fast path of an import's writes (prm/bulk_insert.py: COPY on PostgreSQL, executemany on
SQLite) writes the rows the plain path (bulk_create) writes, and on PostgreSQL the tenant policy
still refuses a row of another tenant."""

import os
import re
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from partners.imports.models import ImportStatus
from partners.models import Partner
from prm import bulk_insert, pgcopy
from prm.audit.models import AuditEvent
from prm.invitations.models import Invitation
from prm.outbox.models import OutboundEmail

from .helpers import UPLOAD, csv_file, latest, upload

postgres_only = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL (DATABASE_URL)"
)

TRICKY = "tab\there, line\nbreak\r, back\\slash, \\N, «ünï», 😀"


def _plain(monkeypatch):
    monkeypatch.setattr(bulk_insert, "FAST_FROM", 10**9)


def _copy(monkeypatch):
    monkeypatch.setattr(bulk_insert, "FAST_FROM", 1)


def _rows(model, manager, pks, skip=("id", "created_at")):
    fields = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
    return sorted((tuple(row[name] for name in fields) for row in manager.filter(pk__in=pks).values(*fields)),
                  key=repr)


NOW = timezone.now()


def _audits(world, now=NOW):
    return [AuditEvent(tenant=world.acme, actor=world.acme_manager.user if n % 2 else None,
                       actor_label="" if n % 2 else f"rule {TRICKY}", verb="partner.created",
                       target_type="partners.partner", target_id=str(n), from_state="", to_state="active",
                       data={"n": n, "text": TRICKY, "none": None, "flag": True, "list": [1.5, "x"],
                             "when": (now + timedelta(seconds=n)).isoformat()})
            for n in range(3)]


def _emails(world):
    return [OutboundEmail(tenant=world.acme if n else None, kind="invitations/email/invite", to=[f"a{n}@x.example"],
                          from_email="prm@x.example", subject=f"Subject {n} «ü»", body_text=TRICKY, body_html="",
                          headers={"Content-Language": "de"}, sensitive=bool(n % 2),
                          next_attempt_at=NOW if n == 2 else None)
            for n in range(3)]


@pytest.mark.postgres
@postgres_only
def test_copy_objects_writes_what_bulk_create_writes(world, in_tenant):
    with in_tenant(world.acme):
        plain = AuditEvent.unscoped.bulk_create(_audits(world))
        copied = _audits(world)
        pgcopy.copy_objects(AuditEvent, copied)
        assert all(event.pk for event in copied)
        assert _rows(AuditEvent, AuditEvent.unscoped, [e.pk for e in plain]) == \
            _rows(AuditEvent, AuditEvent.unscoped, [e.pk for e in copied])
        plain = OutboundEmail.objects.bulk_create(_emails(world))
        copied = _emails(world)
        pgcopy.copy_objects(OutboundEmail, copied)
        assert _rows(OutboundEmail, OutboundEmail.objects, [e.pk for e in plain]) == \
            _rows(OutboundEmail, OutboundEmail.objects, [e.pk for e in copied])
        # The reserved ids are the sequence's: a later plain insert does not collide.
        later = AuditEvent.unscoped.bulk_create(_audits(world)[:1])
        assert later[0].pk > max(e.pk for e in copied)


def test_insert_objects_takes_the_fast_path_from_its_threshold_on(world, in_tenant, monkeypatch):
    _copy(monkeypatch)
    with in_tenant(world.acme), transaction.atomic():
        events = bulk_insert.insert_objects(AuditEvent.unscoped, _audits(world))
        assert [e._state.adding for e in events] == [False] * 3
        assert AuditEvent.unscoped.filter(pk__in=[e.pk for e in events]).count() == 3


@pytest.mark.postgres
@postgres_only
def test_the_tenant_policy_refuses_a_copied_row_of_another_tenant(world, in_tenant):
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = session_user")
        [bypasses] = cursor.fetchone()
    assert not bypasses, "run as the app role (DATABASE_URL of prm_app), which the policy binds"
    before = AuditEvent.unscoped.count()
    stranger = _audits(world)[0]
    stranger.tenant = world.globex
    with in_tenant(world.acme):
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            pgcopy.copy_objects(AuditEvent, [stranger])
    assert AuditEvent.unscoped.count() == before


# --- a whole import both ways -------------------------------------------------------------------

ROWS = [("Fabrikam GmbH", "fabrikam.example", "FR", "ana@fabrikam.example", "Ana", "Ruiz", "admin"),
        ("Fabrikam GmbH", "fabrikam.example", "FR", "ben@fabrikam.example", "Ben", "Öde", ""),
        ("Litware", "", "Deutschland", "", "", "", ""),
        ("Café Nord", "https://cafe-nord.example/", "AT", "zoe@cafe-nord.example", "Zoé", "Weiß", "user")]
NAMES = {row[0] for row in ROWS}


def _import(client, django_capture_on_commit_callbacks):
    from partners.imports.models import PartnerImport

    response = upload(client, csv_file(ROWS, name="partners.csv"))
    assert response.status_code == 302
    partner_import = latest(PartnerImport)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{UPLOAD}{partner_import.pk}/confirm/", {"invite_users": "on"})
    partner_import.refresh_from_db()
    assert partner_import.status == ImportStatus.DONE, partner_import.problems
    return partner_import


def _snapshot(tenant, manager, partner_import, texts):
    """What the import wrote into `tenant`, with what differs by tenant or by chance (ids, tokens,
    times, the tenant's names) put in neutral form."""
    def neutral(value):
        if isinstance(value, dict):
            return {key: neutral(item) for key, item in value.items()}
        if isinstance(value, list):
            return [neutral(item) for item in value]
        if not isinstance(value, str):
            return value
        for old, new in texts.items():
            value = value.replace(old, new)
        return re.sub(r"/invitations/[^/\s\"]+/", "/invitations/TOKEN/", value)

    imported = Partner.unscoped.filter(tenant=tenant, name__in=NAMES)
    partners = {p.pk: p.name for p in imported}
    partner_rows = sorted(tuple(neutral(v) for k, v in row.items() if k not in ("id", "tenant_id", "created_at",
                                                                                "updated_at", "created_by_id"))
                          for row in imported.values())
    invitations = sorted((i.email, i.role, partners[i.partner_id], i.invited_by_id == manager.user_id,
                          round((i.expires_at - i.created_at).total_seconds() / 3600), len(i.token_hash),
                          i.accepted_at, i.revoked_at, neutral(i.email_message.subject), neutral(i.email_message.to),
                          neutral(i.email_message.body_text), neutral(i.email_message.body_html),
                          i.email_message.headers, i.email_message.sensitive, i.email_message.status)
                         for i in Invitation.unscoped.filter(tenant=tenant).select_related("email_message"))

    def target(event):
        if event.target_type == "partners.partner":
            return partners[int(event.target_id)]
        if event.target_type == "invitations.invitation":
            return Invitation.unscoped.get(pk=event.target_id).email
        return event.target_type

    data_ids = {partner_import.pk: "IMPORT", **{pk: name for pk, name in partners.items()}}
    audits = sorted((e.verb, target(e), e.from_state, e.to_state, e.actor_id == manager.user_id, e.actor_label,
                     repr(neutral({k: data_ids.get(v, v) if k in ("import", "partner_id") else v
                                   for k, v in e.data.items()})))
                    for e in AuditEvent.unscoped.filter(tenant=tenant).exclude(target_type="partner_imports.partnerimport"))
    return partner_rows, invitations, audits


def test_an_import_by_copy_writes_the_rows_of_an_import_by_the_plain_path(world, client_as, monkeypatch,
                                                                          django_capture_on_commit_callbacks):
    _plain(monkeypatch)
    plain = _import(client_as(world.globex_manager), django_capture_on_commit_callbacks)
    _copy(monkeypatch)
    copied = _import(client_as(world.acme_manager), django_capture_on_commit_callbacks)
    texts = {tenant.name: "TENANT" for tenant in (world.acme, world.globex)} | {
        f"{tenant.slug}.": "HOST." for tenant in (world.acme, world.globex)} | {
        m.user.email: "MANAGER" for m in (world.acme_manager, world.globex_manager)} | {
        m.user.full_name: "MANAGER" for m in (world.acme_manager, world.globex_manager) if m.user.full_name}
    got = _snapshot(world.acme, world.acme_manager, copied, texts)
    expected = _snapshot(world.globex, world.globex_manager, plain, texts)
    assert got[0] and got[1] and got[2]
    assert got == expected


def test_the_fast_path_gives_the_ids_the_rows_have(world, in_tenant, monkeypatch):
    _copy(monkeypatch)
    with in_tenant(world.acme), transaction.atomic():
        events = bulk_insert.insert_objects(AuditEvent.unscoped, _audits(world))
        stored = {e.pk: e.target_id for e in AuditEvent.unscoped.filter(pk__in=[e.pk for e in events])}
        assert stored == {e.pk: e.target_id for e in events}
