"""Reads of partner agreements, in the tenant in force.

Which agreement a partner must sign: among the tenant's templates that have a published version and
match the partner (a template with no partner types matches every type, one with no countries every
country), the most specific wins: type and country named > country named > type named > neither.
Between equally specific templates, the one whose current version was published last wins. A
template's current version is its published version with the highest number."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from partners.models import Partner, PartnerStatus
from prm.tenancy.models import Tenant

from .models import AgreementSettings, AgreementTemplate, AgreementVersion, Signature, VersionStatus


def agreement_settings_for(tenant: Tenant) -> AgreementSettings:
    """The tenant's settings row (unsaved defaults when it has none yet)."""
    return AgreementSettings.objects.filter(tenant=tenant).first() or AgreementSettings(tenant=tenant)


def templates_with_current() -> QuerySet[AgreementTemplate]:
    """Templates annotated with their current (latest published) version's id and publication time."""
    current = AgreementVersion.objects.filter(template=OuterRef("pk"), status=VersionStatus.PUBLISHED).order_by("-number")
    return AgreementTemplate.objects.annotate(
        current_version_id=Subquery(current.values("pk")[:1]),
        current_published_at=Subquery(current.values("published_at")[:1]),
    )


def _specificity(template: AgreementTemplate) -> int:
    return 2 * bool(template.countries) + bool(template.partner_types)


def applies_to(template: AgreementTemplate, *, kind: str, country: str) -> bool:
    return ((not template.partner_types or kind in template.partner_types)
            and (not template.countries or country in template.countries))


def current_templates() -> list[AgreementTemplate]:
    """The templates partners can be asked to sign: those with a published version."""
    return list(templates_with_current().filter(current_version_id__isnull=False))


def choose_template(templates: list[AgreementTemplate], *, kind: str, country: str) -> AgreementTemplate | None:
    """The most specific of `templates` that applies (see the module's rule), or None."""
    candidates = [t for t in templates if applies_to(t, kind=kind, country=country)]
    if not candidates:
        return None
    return max(candidates, key=lambda t: (_specificity(t), t.current_published_at, t.pk))


def required_version(partner: Partner) -> AgreementVersion | None:
    """The published version the partner must sign, or None when no agreement applies to it."""
    templates = current_templates()
    if not templates:
        return None
    best = choose_template(templates, kind=partner.business_type, country=str(partner.country or ""))
    if best is None:
        return None
    return AgreementVersion.objects.select_related("template").get(pk=best.current_version_id)


def unsigned_partners() -> list[tuple[Partner, AgreementVersion]]:
    """Every partner (not deactivated) with the version it must sign and has not: a fixed number of queries."""
    templates = current_templates()
    if not templates:
        return []
    versions = AgreementVersion.objects.select_related("template").in_bulk([t.current_version_id for t in templates])
    signed = set(Signature.objects.filter(version_id__in=versions).values_list("partner_id", "version_id"))
    pending = []
    for partner in Partner.objects.exclude(status=PartnerStatus.INACTIVE).select_related("tenant"):
        best = choose_template(templates, kind=partner.business_type, country=str(partner.country or ""))
        if best is not None and (partner.pk, best.current_version_id) not in signed:
            pending.append((partner, versions[best.current_version_id]))
    return pending


def partner_signature(partner: Partner, version: AgreementVersion) -> Signature | None:
    return Signature.objects.filter(partner=partner, version=version).select_related("signer", "countersigner").first()


def partner_agreement_signed(partner: Partner) -> bool:
    """True when the partner has signed the current version of the agreement that applies to it, or none applies."""
    version = required_version(partner)
    return version is None or Signature.objects.filter(partner=partner, version=version).exists()


@dataclass(frozen=True)
class AgreementStatus:
    """Where a partner stands with its agreement."""

    version: AgreementVersion | None  # the version it must sign (None: no agreement applies)
    signature: Signature | None  # its signature of that version
    last_signature: Signature | None  # its latest signature of any version
    due_at: datetime | None  # until when it may use the portal unsigned (None: no grace, or signed)

    @property
    def signed(self) -> bool:
        return self.version is None or self.signature is not None

    @property
    def overdue(self) -> bool:
        return not self.signed and (self.due_at is None or self.due_at <= timezone.now())


def agreement_status(partner: Partner) -> AgreementStatus:
    """The partner's required version, its signature, and its deadline.

    A partner that existed when the version was published has until the version's sign-by date; a
    partner created after it has no grace period: it signs before using the portal."""
    version = required_version(partner)
    last = (Signature.objects.filter(partner=partner).select_related("version__template", "signer", "countersigner")
            .order_by("-signed_at").first())
    if version is None:
        return AgreementStatus(None, None, last, None)
    signature = last if last is not None and last.version_id == version.pk else partner_signature(partner, version)
    return AgreementStatus(version, signature, last, None if signature else _grace_until(partner, version))


def _grace_until(partner: Partner, version: AgreementVersion) -> datetime | None:
    """Until when an unsigned partner may use the portal: the version's sign-by date for partners that
    existed when it was published; None (no grace) for partners created since."""
    if version.sign_by is not None and partner.created_at < version.published_at:
        return version.sign_by
    return None


def partner_held_back(partner: Partner) -> bool:
    """True when the partner must sign before using the portal: it has not signed the version that
    applies to it, and its grace period (if any) is over. The portal gate asks this on every request."""
    version = required_version(partner)
    if version is None or Signature.objects.filter(partner=partner, version=version).exists():
        return False
    grace = _grace_until(partner, version)
    return grace is None or grace <= timezone.now()


def partner_signatures(partner: Partner) -> QuerySet[Signature]:
    return Signature.objects.filter(partner=partner).select_related("version__template", "signer", "countersigner")
