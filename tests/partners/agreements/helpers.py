from partners.agreements import services
from partners.agreements.models import AgreementVersion, VersionStatus
from partners.agreements.rendering import sha256_of
from partners.agreements.selectors import required_version
from prm.tenancy.context import tenant_context

BODY = "# Partner agreement\n\nBetween us and **{{ partner_name }}**, dated {{ date }}.\n\n1. Sell well.\n2. Be nice."


def publish(tenant, actor, *, title="Partner agreement", body=BODY, partner_types=(), countries=(), template=None, now=None):
    """A published version (a new template, or a new version of `template`)."""
    with tenant_context(tenant):
        if template is None:
            template = services.template_create(tenant=tenant, actor=actor, title=title, partner_types=list(partner_types),
                                                countries=list(countries), body=body)
        else:
            services.draft_save(template=template, actor=actor, body=body)
        draft = AgreementVersion.objects.get(template=template, status=VersionStatus.DRAFT)
        return services.version_publish(version=draft, actor=actor, now=now)


def sign(partner, membership, *, name="Nora Admin", ip="203.0.113.5", agent="TestBrowser/1.0"):
    with tenant_context(partner.tenant):
        version = required_version(partner)
        text = services.text_for(partner, version)
        return services.agreement_sign(partner=partner, membership=membership, typed_name=name,
                                       shown_sha256=sha256_of(text), ip_address=ip, user_agent=agent)
