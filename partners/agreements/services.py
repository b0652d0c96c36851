"""Every write of partner agreements: templates and their drafts, publishing, signing, counter-signing,
the tenant's settings and the signature requests."""

from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import Partner
from prm.audit.services import Actor, audit_record
from prm.tenancy.context import tenant_context
from prm.tenancy.models import Membership, Role, Tenant

from . import emails
from .audit_verbs import AgreementVerb
from .models import AgreementSettings, AgreementTemplate, AgreementVersion, Signature, SignatureReminder, VersionStatus
from .rendering import render_html, sha256_of
from .selectors import agreement_settings_for, agreement_status, required_version, unsigned_partners
from .signals import agreement_signed

REMIND_EVERY = timedelta(days=7)  # an unsigned partner's admins hear again a week after the last email


@transaction.atomic
def agreement_settings_update(*, tenant: Tenant, actor: Actor, resign_days: int, unsigned_keep_access: bool) -> AgreementSettings:
    row, _created = AgreementSettings.objects.get_or_create(tenant=tenant)
    before = {"resign_days": row.resign_days, "unsigned_keep_access": row.unsigned_keep_access}
    row.resign_days, row.unsigned_keep_access = resign_days, unsigned_keep_access
    row.full_clean()
    row.save()
    audit_record(tenant=tenant, actor=actor, verb=AgreementVerb.SETTINGS_UPDATED, target=row,
                 data={"before": before, "after": {"resign_days": resign_days, "unsigned_keep_access": unsigned_keep_access}})
    return row


def _clean_scope(partner_types: list[str], countries: list[str]) -> tuple[list[str], list[str]]:
    return sorted(set(partner_types)), sorted({str(c).upper() for c in countries})


@transaction.atomic
def template_create(*, tenant: Tenant, actor: Actor, title: str, partner_types: list[str], countries: list[str],
                    body: str) -> AgreementTemplate:
    """A new agreement with its first version as a draft."""
    partner_types, countries = _clean_scope(partner_types, countries)
    template = AgreementTemplate(tenant=tenant, title=title.strip(), partner_types=partner_types, countries=countries)
    template.full_clean()
    template.save()
    audit_record(tenant=tenant, actor=actor, verb=AgreementVerb.TEMPLATE_CREATED, target=template,
                 data={"partner_types": partner_types, "countries": countries})
    draft_save(template=template, actor=actor, body=body)
    return template


@transaction.atomic
def template_update(*, template: AgreementTemplate, actor: Actor, title: str, partner_types: list[str],
                    countries: list[str]) -> AgreementTemplate:
    partner_types, countries = _clean_scope(partner_types, countries)
    before = {"title": template.title, "partner_types": template.partner_types, "countries": template.countries}
    template.title, template.partner_types, template.countries = title.strip(), partner_types, countries
    template.full_clean()
    template.save()
    audit_record(tenant=template.tenant, actor=actor, verb=AgreementVerb.TEMPLATE_UPDATED, target=template,
                 data={"before": before, "after": {"title": template.title, "partner_types": partner_types, "countries": countries}})
    return template


@transaction.atomic
def draft_save(*, template: AgreementTemplate, actor: Actor, body: str) -> AgreementVersion:
    """Write the template's draft (starting one, numbered after the last version, when there is none)."""
    if not body.strip():
        raise ValidationError({"body": _("Write the agreement's text.")})
    AgreementTemplate.objects.select_for_update().filter(pk=template.pk).first()  # one draft at a time per template
    draft = AgreementVersion.objects.filter(template=template, status=VersionStatus.DRAFT).first()
    if draft is None:
        last = AgreementVersion.objects.filter(template=template).aggregate(n=Max("number"))["n"] or 0
        draft = AgreementVersion(tenant=template.tenant, template=template, number=last + 1)
    draft.body = body
    draft.full_clean()
    draft.save()
    audit_record(tenant=template.tenant, actor=actor, verb=AgreementVerb.DRAFT_SAVED, target=draft, data={"version": draft.number})
    return draft


@transaction.atomic
def version_publish(*, version: AgreementVersion, actor: Actor, now: datetime | None = None) -> AgreementVersion:
    """Publish a draft: it becomes the version partners sign. Partners it now applies to that existed
    before have the tenant's re-sign days to sign it; their partner admins are emailed."""
    now = now or timezone.now()
    sign_by = now + timedelta(days=agreement_settings_for(version.tenant).resign_days)
    changes = {"status": VersionStatus.PUBLISHED, "published_at": now, "sign_by": sign_by,
               "published_by": actor if isinstance(actor, get_user_model()) else None, "updated_at": now}
    if not AgreementVersion.objects.filter(pk=version.pk, status=VersionStatus.DRAFT).update(**changes):
        raise ValidationError(_("Only a draft can be published; this version is already published."))
    for name, value in changes.items():
        setattr(version, name, value)
    audit_record(tenant=version.tenant, actor=actor, verb=AgreementVerb.PUBLISHED, target=version,
                 from_state=VersionStatus.DRAFT, to_state=VersionStatus.PUBLISHED,
                 data={"version": version.number, "sign_by": sign_by.isoformat()})
    for partner, required in unsigned_partners():
        if required.pk == version.pk:
            _request(partner, version, now=now, reminder=False)
    return version


def _request(partner: Partner, version: AgreementVersion, *, now: datetime, reminder: bool) -> None:
    status = agreement_status(partner)
    sent = emails.send_signature_request(partner, version, reminder=reminder, due_at=status.due_at)
    reminder_row, created = SignatureReminder.objects.get_or_create(
        tenant=partner.tenant, partner=partner, version=version, defaults={"last_sent_at": now, "sent_count": 1})
    if not created:
        SignatureReminder.objects.filter(pk=reminder_row.pk).update(last_sent_at=now, sent_count=reminder_row.sent_count + 1)
    if not reminder:
        audit_record(tenant=partner.tenant, actor=None, verb=AgreementVerb.SIGNATURE_REQUESTED, target=partner,
                     data={"version_id": version.pk, "version": version.number, "agreement": version.template.title,
                           "emails": sent})


@transaction.atomic
def signature_request_or_remind(*, partner: Partner, version: AgreementVersion, now: datetime) -> bool:
    """The sweep's step for one unsigned partner: the first request, or a reminder a week after the last
    email; claims the reminder row so two runs never email twice. Returns True when it emailed."""
    row = SignatureReminder.objects.filter(partner=partner, version=version).first()
    if row is None:
        _request(partner, version, now=now, reminder=False)
        return True
    claimed = SignatureReminder.objects.filter(pk=row.pk, last_sent_at=row.last_sent_at, last_sent_at__lte=now - REMIND_EVERY)
    if not claimed.update(last_sent_at=now, sent_count=row.sent_count + 1):
        return False
    emails.send_signature_request(partner, version, reminder=True, due_at=agreement_status(partner).due_at)
    return True


def text_for(partner: Partner, version: AgreementVersion, *, on: date | None = None) -> str:
    """The exact HTML the partner reads (and signs) today."""
    return render_html(version.body, partner_name=partner.name, on=on or timezone.localdate())


@transaction.atomic
def agreement_sign(*, partner: Partner, membership: Membership, typed_name: str, shown_sha256: str,
                   ip_address: str | None, user_agent: str) -> Signature:
    """A partner admin signs the version that applies to their partner, as shown to them: `shown_sha256`
    is the hash of the text they read; if the text changed since (a new version, another day), they
    must read it again."""
    if membership.role != Role.PARTNER_ADMIN or membership.partner_id != partner.pk or not membership.is_active:
        raise PermissionDenied(_("Only a partner admin signs the agreement."))
    typed_name = " ".join(typed_name.split())
    if len(typed_name) < 2:
        raise ValidationError({"typed_name": _("Type your full name to sign.")})
    Partner.objects.select_for_update().filter(pk=partner.pk).first()  # one signature per version, even when two admins sign
    version = required_version(partner)
    if version is None:
        raise ValidationError(_("No agreement applies to your company; there is nothing to sign."))
    if Signature.objects.filter(partner=partner, version=version).exists():
        raise ValidationError(_("Your company has already signed this version."))
    text = text_for(partner, version)
    digest = sha256_of(text)
    if digest != shown_sha256:
        raise ValidationError(_("The agreement's text has changed since you opened it. Read it again, then sign."))
    signature = Signature.objects.create(
        tenant=partner.tenant, partner=partner, version=version, text=text, text_sha256=digest, signer=membership.user,
        typed_name=typed_name[:150], signed_at=timezone.now(), ip_address=ip_address, user_agent=user_agent[:500],
    )
    audit_record(tenant=partner.tenant, actor=membership.user, verb=AgreementVerb.SIGNED, target=partner,
                 data={"signature_id": signature.pk, "agreement": version.template.title, "version": version.number,
                       "sha256": digest, "typed_name": signature.typed_name})
    transaction.on_commit(lambda: _announce_signed(signature, partner))
    return signature


def _announce_signed(signature: Signature, partner: Partner) -> None:
    """Listeners run with the partner's tenant in force, wherever the commit happens."""
    with tenant_context(partner.tenant):
        agreement_signed.send(sender=Signature, signature=signature, partner=partner)


@transaction.atomic
def signature_countersign(*, signature: Signature, membership: Membership, typed_name: str, ip_address: str | None,
                          user_agent: str) -> Signature:
    """A tenant admin counter-signs a partner's signature, recorded the same way (typed name, time, IP, browser)."""
    if membership.role != Role.TENANT_ADMIN or not membership.is_active:
        raise PermissionDenied(_("Only a tenant admin counter-signs agreements."))
    typed_name = " ".join(typed_name.split())
    if len(typed_name) < 2:
        raise ValidationError({"typed_name": _("Type your full name to counter-sign.")})
    changes = {"countersigner": membership.user, "countersign_typed_name": typed_name[:150],
               "countersigned_at": timezone.now(), "countersign_ip_address": ip_address,
               "countersign_user_agent": user_agent[:500]}
    if not Signature.objects.filter(pk=signature.pk, countersigned_at__isnull=True).update(**changes):
        raise ValidationError(_("This signature is already counter-signed."))
    for name, value in changes.items():
        setattr(signature, name, value)
    audit_record(tenant=signature.tenant, actor=membership.user, verb=AgreementVerb.COUNTERSIGNED, target=signature.partner,
                 data={"signature_id": signature.pk, "agreement": signature.version.template.title,
                       "version": signature.version.number, "typed_name": changes["countersign_typed_name"]})
    return signature
