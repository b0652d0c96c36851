"""Agreement rows of the matrix's world, made on first use in a test (the world has none): a published
agreement for every partner of a tenant, its next version as a draft, and a partner's signature."""

from dataclasses import dataclass

from django.utils import timezone

from partners.agreements.models import AgreementTemplate, AgreementVersion, Signature, VersionStatus
from partners.agreements.rendering import sha256_of
from partners.agreements.services import text_for
from prm.tenancy.context import tenant_context


def _template(tenant) -> AgreementTemplate:
    with tenant_context(tenant):
        template = AgreementTemplate.objects.filter(title="Matrix agreement").first()
        if template is None:
            template = AgreementTemplate.objects.create(tenant=tenant, title="Matrix agreement")
            now = timezone.now()
            AgreementVersion.objects.create(tenant=tenant, template=template, number=1, body="Terms for {{ partner_name }}.",
                                            status=VersionStatus.PUBLISHED, published_at=now,
                                            sign_by=now + timezone.timedelta(days=30))
        return template


@dataclass(frozen=True)
class AgreementOf:
    attr: str  # the tenant's attribute

    def __call__(self, w):
        return _template(getattr(w, self.attr))


@dataclass(frozen=True)
class DraftOf:
    """The draft of version 2 of the tenant's agreement."""

    attr: str

    def __call__(self, w):
        tenant = getattr(w, self.attr)
        template = _template(tenant)
        with tenant_context(tenant):
            return (AgreementVersion.objects.filter(template=template, status=VersionStatus.DRAFT).first()
                    or AgreementVersion.objects.create(tenant=tenant, template=template, number=2, body="New terms."))


@dataclass(frozen=True)
class SignatureOf:
    attr: str  # the partner's attribute

    def __call__(self, w):
        partner = getattr(w, self.attr)
        template = _template(partner.tenant)
        with tenant_context(partner.tenant):
            version = AgreementVersion.objects.get(template=template, number=1)
            existing = Signature.objects.filter(partner=partner, version=version).first()
            if existing is not None:
                return existing
            text = text_for(partner, version)
            return Signature.objects.create(tenant=partner.tenant, partner=partner, version=version, text=text,
                                            text_sha256=sha256_of(text), typed_name="Matrix Signer", signed_at=timezone.now())


def sign_data(w, obj=None):
    """What the portal's sign form posts for Northwind: its admin's name and the hash of the text shown."""
    template = _template(w.acme)
    with tenant_context(w.acme):
        version = AgreementVersion.objects.get(template=template, number=1)
        return {"typed_name": "Nora Northwind", "shown_sha256": sha256_of(text_for(w.northwind, version))}


def api_sign_body(w):
    data = sign_data(w)
    return {"typed_name": data["typed_name"], "text_sha256": data["shown_sha256"]}
