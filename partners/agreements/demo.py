"""Demo agreements: each program publishes its partner agreement (Globex's in German); the named partners
with a partner admin have signed it, the rest are within the re-sign days the publication gave them."""

from prm.tenancy.context import tenant_context
from prm.tenancy.models import Membership, Role, Tenant

from .models import AgreementTemplate
from .rendering import sha256_of
from .selectors import required_version
from .services import agreement_sign, template_create, text_for, version_publish

AGREEMENTS = {
    "acme": ("Acme Networks partner agreement", """\
# Partner agreement

Between **Acme Networks** and **{{ partner_name }}**, effective {{ date }}.

## 1. Appointment
Acme Networks appoints the partner as a non-exclusive reseller of its products in the territories it serves.

## 2. Deal registration
The partner registers opportunities before quoting. An approved registration is protected for the days the
program's rules of engagement set; a registration that lapses releases the opportunity.

## 3. Brand and materials
The partner uses Acme's names and logos only as the brand guidelines in the content library allow.

## 4. Term
This agreement runs for one year and renews itself unless either side ends it with 30 days' notice.
"""),
    "globex": ("Partnervertrag Globex Systems", """\
# Partnervertrag

Zwischen **Globex Systems** und **{{ partner_name }}**, gültig ab {{ date }}.

## 1. Ernennung
Globex Systems ernennt den Partner zum nicht exklusiven Wiederverkäufer seiner Produkte in den Gebieten,
die er betreut.

## 2. Registrierung von Verkaufschancen
Der Partner registriert Verkaufschancen, bevor er ein Angebot abgibt. Eine genehmigte Registrierung ist für
die in den Regeln des Programms genannten Tage geschützt.

## 3. Laufzeit
Dieser Vertrag läuft ein Jahr und verlängert sich, wenn keine Seite ihn mit 30 Tagen Frist kündigt.
"""),
}


def load_agreement_demo() -> None:
    """Idempotent: a program that already has an agreement is left as it is."""
    for slug, (title, body) in AGREEMENTS.items():
        tenant = Tenant.objects.get(slug=slug)
        with tenant_context(tenant):
            if AgreementTemplate.objects.exists():
                continue
            admin = Membership.objects.filter(tenant=tenant, role=Role.TENANT_ADMIN).select_related("user").first()
            template = template_create(tenant=tenant, actor=admin.user, title=title, partner_types=[], countries=[],
                                       body=body)
            version_publish(version=template.versions.get(), actor=admin.user)
            for membership in Membership.objects.filter(tenant=tenant, role=Role.PARTNER_ADMIN).select_related("partner", "user"):
                partner = membership.partner
                if required_version(partner) is None:
                    continue
                agreement_sign(partner=partner, membership=membership, typed_name=membership.user.get_full_name(),
                               shown_sha256=sha256_of(text_for(partner, required_version(partner))),
                               ip_address="127.0.0.1", user_agent="demo data")
