"""Agreements: templates and versions, choosing the agreement, signing, counter-signing, re-signing."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from partners.agreements import services, sweeps
from partners.agreements.models import AgreementVersion, Signature, SignatureReminder, VersionStatus
from partners.agreements.selectors import agreement_status, partner_agreement_signed, required_version, unsigned_partners
from partners.agreements.signals import agreement_signed
from partners.business_types import BusinessType
from prm.audit.models import AuditEvent
from prm.outbox.models import OutboundEmail
from prm.tenancy.context import tenant_context

from .helpers import publish, sign


def _verbs(tenant):
    return list(AuditEvent.unscoped.filter(tenant=tenant).order_by("id").values_list("verb", flat=True))


def test_no_agreement_means_signed(world):
    with tenant_context(world.acme):
        assert partner_agreement_signed(world.northwind) is True
        assert required_version(world.northwind) is None


def test_a_draft_is_not_required_until_published(world):
    with tenant_context(world.acme):
        services.template_create(tenant=world.acme, actor=world.acme_admin.user, title="Draft only", partner_types=[],
                                 countries=[], body="Text")
        assert required_version(world.northwind) is None
    version = publish(world.acme, world.acme_admin.user)
    with tenant_context(world.acme):
        assert required_version(world.northwind) == version
        assert partner_agreement_signed(world.northwind) is False
    assert "agreement.created" in _verbs(world.acme) and "agreement.published" in _verbs(world.acme)


def test_publishing_twice_is_refused_and_changes_nothing(world):
    version = publish(world.acme, world.acme_admin.user)
    with tenant_context(world.acme):
        before = AgreementVersion.objects.values().get(pk=version.pk)
        with pytest.raises(ValidationError):
            services.version_publish(version=version, actor=world.acme_admin.user)
        assert AgreementVersion.objects.values().get(pk=version.pk) == before


def test_editing_starts_a_new_draft_numbered_after_the_published_one(world):
    version = publish(world.acme, world.acme_admin.user)
    with tenant_context(world.acme):
        draft = services.draft_save(template=version.template, actor=world.acme_admin.user, body="New text")
        again = services.draft_save(template=version.template, actor=world.acme_admin.user, body="Newer text")
        assert (draft.number, draft.status, again.pk, again.body) == (2, VersionStatus.DRAFT, draft.pk, "Newer text")
        assert AgreementVersion.objects.get(pk=version.pk).body != "Newer text"  # the published text is frozen
        with pytest.raises(ValidationError):
            services.draft_save(template=version.template, actor=world.acme_admin.user, body="   ")


def test_most_specific_template_wins(world):
    actor = world.acme_admin.user
    everyone = publish(world.acme, actor, title="Everyone")
    with tenant_context(world.acme):
        assert required_version(world.northwind) == everyone
    resellers = publish(world.acme, actor, title="Resellers", partner_types=["reseller"])
    with tenant_context(world.acme):
        assert required_version(world.northwind) == everyone  # northwind has no type yet
        world.northwind.business_type = BusinessType.RESELLER
        world.northwind.save(update_fields=["business_type"])
        assert required_version(world.northwind) == resellers
    germany = publish(world.acme, actor, title="Germany", countries=["DE"])
    us = publish(world.acme, actor, title="United States", countries=["US"])
    with tenant_context(world.acme):
        assert required_version(world.northwind) == us  # a country beats a type
        assert germany != us
    us_resellers = publish(world.acme, actor, title="US resellers", partner_types=["reseller"], countries=["US"])
    with tenant_context(world.acme):
        assert required_version(world.northwind) == us_resellers
        assert required_version(world.contoso) == us  # contoso is no reseller
    with tenant_context(world.globex):
        assert required_version(world.initech) is None  # another tenant's agreements never apply


def test_signing_stores_the_exact_text_its_hash_and_who_where_when(world, django_capture_on_commit_callbacks):
    publish(world.acme, world.acme_admin.user)
    received = []

    def listener(sender, signature, partner, **kwargs):
        received.append((sender, signature.pk, partner.pk))

    agreement_signed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            signature = sign(world.northwind, world.northwind_admin, name="  Nora   Admin ")
    finally:
        agreement_signed.disconnect(listener)
    assert received == [(Signature, signature.pk, world.northwind.pk)]
    with tenant_context(world.acme):
        stored = Signature.objects.get(pk=signature.pk)
        expected = services.text_for(world.northwind, stored.version, on=timezone.localdate())
        assert partner_agreement_signed(world.northwind) is True
        assert partner_agreement_signed(world.contoso) is False
    assert stored.text == expected
    assert "<strong>Northwind Traders</strong>" in stored.text
    assert stored.text_sha256 == hashlib.sha256(stored.text.encode("utf-8")).hexdigest()
    assert (stored.typed_name, stored.ip_address, stored.user_agent) == ("Nora Admin", "203.0.113.5", "TestBrowser/1.0")
    assert stored.signer == world.northwind_admin.user and stored.signed_at is not None
    event = AuditEvent.unscoped.get(verb="agreement.signed")
    assert (event.target_type, event.target_id) == ("partners.partner", str(world.northwind.pk))  # on the partner's timeline
    assert event.data["sha256"] == stored.text_sha256


def test_no_signal_while_the_transaction_is_open(world, django_capture_on_commit_callbacks):
    publish(world.acme, world.acme_admin.user)
    received = []

    def listener(sender, **kwargs):
        received.append(kwargs["partner"].pk)

    agreement_signed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            sign(world.northwind, world.northwind_admin)
        assert received == []
        callbacks[-1]()
        assert received == [world.northwind.pk]
    finally:
        agreement_signed.disconnect(listener)


def test_signing_a_changed_text_is_refused(world):
    version = publish(world.acme, world.acme_admin.user)
    with tenant_context(world.acme):
        shown = services.text_for(world.northwind, version, on=timezone.localdate() - timedelta(days=1))
        with pytest.raises(ValidationError):
            services.agreement_sign(partner=world.northwind, membership=world.northwind_admin, typed_name="Nora Admin",
                                    shown_sha256=services.sha256_of(shown), ip_address=None, user_agent="")
        assert not Signature.objects.exists()


def test_only_a_partner_admin_of_the_partner_signs_and_only_once(world):
    publish(world.acme, world.acme_admin.user)
    with pytest.raises(PermissionDenied):
        sign(world.northwind, world.northwind_rep)
    with pytest.raises(PermissionDenied):
        sign(world.contoso, world.northwind_admin)
    with pytest.raises(ValidationError):
        sign(world.northwind, world.northwind_admin, name="N")
    sign(world.northwind, world.northwind_admin)
    with pytest.raises(ValidationError):
        sign(world.northwind, world.northwind_admin)
    with tenant_context(world.acme):
        assert Signature.objects.count() == 1


def test_countersigning_by_a_tenant_admin_once(world):
    publish(world.acme, world.acme_admin.user)
    signature = sign(world.northwind, world.northwind_admin)
    with tenant_context(world.acme):
        with pytest.raises(PermissionDenied):
            services.signature_countersign(signature=signature, membership=world.acme_manager, typed_name="Max Manager",
                                           ip_address=None, user_agent="")
        services.signature_countersign(signature=signature, membership=world.acme_admin, typed_name="Ada Admin",
                                       ip_address="198.51.100.7", user_agent="Vendor/2")
        stored = Signature.objects.get(pk=signature.pk)
        with pytest.raises(ValidationError):
            services.signature_countersign(signature=stored, membership=world.acme_admin, typed_name="Ada Again",
                                           ip_address=None, user_agent="")
    assert (stored.countersign_typed_name, stored.countersign_ip_address, stored.countersign_user_agent) == (
        "Ada Admin", "198.51.100.7", "Vendor/2")
    assert stored.countersigner == world.acme_admin.user and stored.is_countersigned
    assert Signature.unscoped.get(pk=signature.pk).countersign_typed_name == "Ada Admin"
    assert "agreement.countersigned" in _verbs(world.acme)


def test_publishing_emails_the_partner_admins_it_applies_to(world):
    version = publish(world.acme, world.acme_admin.user, countries=["US"])
    mails = list(OutboundEmail.objects.filter(tenant=world.acme, kind="partners/agreements/email/request"))
    assert sorted(m.to[0] for m in mails) == ["admin@northwind.example"]  # contoso has no partner admin
    assert "Northwind Traders" in mails[0].body_text and "/portal/agreement/" in mails[0].body_text
    with tenant_context(world.acme):
        assert SignatureReminder.objects.filter(partner=world.northwind, version=version).exists()
    assert not OutboundEmail.objects.filter(tenant=world.globex).exists()


def test_re_sign_flow_with_deadline(world, in_tenant):
    with in_tenant(world.acme):
        services.agreement_settings_update(tenant=world.acme, actor=world.acme_admin.user, resign_days=10,
                                           unsigned_keep_access=False)
    first = publish(world.acme, world.acme_admin.user)
    sign(world.northwind, world.northwind_admin)
    published = timezone.now()
    second = publish(world.acme, world.acme_admin.user, template=first.template, body="Version two for {{ partner_name }}",
                     now=published)
    with in_tenant(world.acme):
        status = agreement_status(world.northwind)
        assert status.version == second and status.signature is None
        assert status.last_signature.version == first
        assert status.due_at == published + timedelta(days=10)
        assert not status.overdue
        assert partner_agreement_signed(world.northwind) is False
    assert OutboundEmail.objects.filter(kind="partners/agreements/email/request", to=["admin@northwind.example"]).count() == 2
    # Past the deadline the partner is overdue until it signs the new version.
    with in_tenant(world.acme):
        AgreementVersion.objects.filter(pk=second.pk).update(sign_by=timezone.now() - timedelta(minutes=1))
        assert agreement_status(world.northwind).overdue
    sign(world.northwind, world.northwind_admin)
    with in_tenant(world.acme):
        status = agreement_status(world.northwind)
        assert status.signed and not status.overdue and status.signature.version == second


def test_a_partner_created_after_publishing_has_no_grace_period(world, in_tenant):
    from tests.factories import PartnerFactory
    publish(world.acme, world.acme_admin.user)
    late = PartnerFactory(tenant=world.acme, name="Latecomer")
    with in_tenant(world.acme):
        status = agreement_status(late)
        assert status.due_at is None and status.overdue
        assert not agreement_status(world.northwind).overdue  # existed before: has the re-sign days


def test_sweep_requests_new_partners_and_reminds_weekly_once(world, in_tenant):
    from prm.tenancy.models import Role
    from tests.factories import MembershipFactory, PartnerFactory, UserFactory
    publish(world.acme, world.acme_admin.user)
    late = PartnerFactory(tenant=world.acme, name="Latecomer")
    MembershipFactory(tenant=world.acme, user=UserFactory(email="admin@late.example"), role=Role.PARTNER_ADMIN, partner=late)
    kind = "partners/agreements/email/"
    now = timezone.now()
    with in_tenant(world.acme):
        assert {p.pk for p, _v in unsigned_partners()} == {world.northwind.pk, world.contoso.pk, late.pk}
        sweeps.remind_unsigned(tenant=world.acme, now=now)  # the latecomer's first request; the others were asked at publishing
        assert OutboundEmail.objects.filter(kind=kind + "request", to=["admin@late.example"]).count() == 1
        assert not OutboundEmail.objects.filter(kind=kind + "reminder").exists()
        sweeps.remind_unsigned(tenant=world.acme, now=now + timedelta(days=3))  # too soon
        assert not OutboundEmail.objects.filter(kind=kind + "reminder").exists()
        sweeps.remind_unsigned(tenant=world.acme, now=now + timedelta(days=8))
        sweeps.remind_unsigned(tenant=world.acme, now=now + timedelta(days=8))  # a second run sends nothing more
        reminded = sorted(m.to[0] for m in OutboundEmail.objects.filter(kind=kind + "reminder"))
    assert reminded == ["admin@late.example", "admin@northwind.example"]
    sign(world.northwind, world.northwind_admin)
    with in_tenant(world.acme):
        assert world.northwind.pk not in {p.pk for p, _v in unsigned_partners()}


def test_settings_update_is_audited(world, in_tenant):
    with in_tenant(world.acme):
        row = services.agreement_settings_update(tenant=world.acme, actor=world.acme_admin.user, resign_days=14,
                                                 unsigned_keep_access=True)
    assert (row.resign_days, row.unsigned_keep_access) == (14, True)
    assert "agreement_settings.updated" in _verbs(world.acme)


def test_the_beat_task_sweeps_every_tenant(world):
    from partners.agreements.tasks import remind_unsigned_agreements
    publish(world.acme, world.acme_admin.user)
    from tests.factories import PartnerFactory
    late = PartnerFactory(tenant=world.acme, name="Latecomer")
    results = remind_unsigned_agreements()
    assert results["acme"] == 1 and results["globex"] == 0  # the latecomer's first request; globex has no agreement
    with tenant_context(world.acme):
        assert SignatureReminder.objects.filter(partner=late).exists()
