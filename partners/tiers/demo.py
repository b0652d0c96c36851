"""Demo tier ladders: what each program's tiers (made by partners/demo.py) require, and how tier
changes apply. Acme counts in USD, Globex in EUR and waits for a manager to approve upgrades."""

from decimal import Decimal

from prm.tenancy.context import tenant_context
from prm.tenancy.models import Membership, Role, Tenant

from .management import requirement_add, tier_settings_update
from .models import Tier, TierEvaluationRun, TierRequirement, TierSettings
from .requirements import kind_of
from .services import evaluate_tenant

# tier → [(kind, threshold)]; Registered requires nothing (the entry level).
REQUIREMENTS = {
    "acme": {
        "Silver": [("won_value", "25000"), ("certifications", "1")],
        "Gold": [("won_value", "100000"), ("won_deals", "5"), ("required_courses", None), ("nps", "30")],
    },
    "globex": {
        "Silver": [("won_value", "20000"), ("certifications", "1")],
        "Gold": [("won_value", "90000"), ("won_deals", "5"), ("required_courses", None), ("nps", "30")],
    },
}
SETTINGS = {"acme": ("automatic", 60), "globex": ("approval", 60)}


def load_tier_demo() -> None:
    """Idempotent: a tier that has requirements keeps them; settings already saved stay."""
    for slug, ladder in REQUIREMENTS.items():
        tenant = Tenant.objects.get(slug=slug)
        with tenant_context(tenant):
            admin = Membership.objects.filter(tenant=tenant, role=Role.TENANT_ADMIN).select_related("user").first()
            for name, requirements in ladder.items():
                tier = Tier.objects.get(name=name)
                if TierRequirement.objects.filter(tier=tier).exists():
                    continue
                for kind, threshold in requirements:
                    if kind_of(kind) is None:  # the app that measures it is not installed
                        continue
                    requirement_add(tier=tier, actor=admin.user, kind=kind,
                                    threshold=Decimal(threshold) if threshold is not None else None)
            if not TierSettings.objects.exists():
                upgrades, grace_days = SETTINGS[slug]
                tier_settings_update(tenant=tenant, actor=admin.user, upgrades=upgrades, grace_days=grace_days)
            if not TierEvaluationRun.objects.exists():  # a first evaluation, so the pages show figures
                evaluate_tenant(tenant=tenant)
