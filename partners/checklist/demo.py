"""Demo checklists: each program's onboarding steps (Globex's manual step in German), and the state of
every partner still onboarding, checked once."""

from partners.models import Partner, PartnerStatus
from prm.tenancy.context import tenant_context
from prm.tenancy.models import Membership, Role, Tenant

from .builtin_kinds import MANUAL
from .models import ChecklistStep
from .services import checklist_refresh, step_create

KICK_OFF = {"acme": "Kick-off call with your channel manager", "globex": "Auftaktgespräch mit Ihrem Channel-Manager"}
STEPS = (("agreement", None), ("profile", None), ("colleagues", 1), ("first_deal", None), (MANUAL, None))


def load_checklist_demo() -> None:
    """Idempotent: a program that already has steps is left as it is."""
    for slug, kick_off in KICK_OFF.items():
        tenant = Tenant.objects.get(slug=slug)
        with tenant_context(tenant):
            if ChecklistStep.objects.exists():
                continue
            admin = Membership.objects.filter(tenant=tenant, role=Role.TENANT_ADMIN).select_related("user").first()
            for kind, threshold in STEPS:
                step_create(tenant=tenant, actor=admin.user, kind=kind, threshold=threshold,
                            title=kick_off if kind == MANUAL else "")
            for partner in Partner.objects.filter(status=PartnerStatus.ONBOARDING):
                checklist_refresh(partner=partner)
