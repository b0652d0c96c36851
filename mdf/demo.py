"""Demo market development funds for Acme: a budget of the current fiscal year split into two regions,
allocations to Northwind (EMEA) and Contoso (Americas), an approved request of Northwind's and a
submitted one of Contoso's waiting in the review queue."""

from datetime import timedelta
from decimal import Decimal

from partners.models import Partner
from prm.tenancy.context import tenant_context
from prm.tenancy.models import Membership, Role, Tenant

from . import services
from .models import ActivityType, Budget
from .periods import fiscal_year_of
from .selectors import mdf_settings_for

ACTIVITY_TYPES = ("Event", "Webinar", "Digital campaign", "Print advertising")


def load_mdf_demo() -> None:
    """Idempotent: every write carries a fixed idempotency key, and a program with budgets is left as it is."""
    tenant = Tenant.objects.get(slug="acme")
    with tenant_context(tenant):
        if Budget.objects.exists():
            return
        admin = Membership.objects.filter(role=Role.TENANT_ADMIN).select_related("user").first().user
        manager = Membership.objects.filter(role=Role.CHANNEL_MANAGER).select_related("user").first()
        for name in ACTIVITY_TYPES:
            services.activity_type_create(tenant=tenant, actor=admin, name=name)
        if manager is not None:
            services.approval_limit_set(membership=manager, actor=admin, max_amount=Decimal("5000"))
        # Both activities start in the budget's fiscal year (approval draws on the year the activity starts in).
        starts = services.earliest_start(tenant) + timedelta(days=7)
        year = fiscal_year_of(starts, mdf_settings_for(tenant).fiscal_year_start_month)
        total = services.budget_create(tenant=tenant, actor=admin, key="demo-budget", name=f"Acme MDF FY{year}",
                                       fiscal_year=year, amount=Decimal("100000"))
        emea = services.budget_create(tenant=tenant, actor=admin, key="demo-emea", name="EMEA", fiscal_year=year,
                                      parent=total, amount=Decimal("40000"))
        americas = services.budget_create(tenant=tenant, actor=admin, key="demo-americas", name="Americas",
                                          fiscal_year=year, parent=total, amount=Decimal("35000"))
        northwind = Partner.objects.get(name="Northwind Traders")
        contoso = Partner.objects.get(name="Contoso Integration")
        services.allocation_create(budget=emea, partner=northwind, actor=admin, key="demo-northwind",
                                   amount=Decimal("12000"))
        services.allocation_create(budget=americas, partner=contoso, actor=admin, key="demo-contoso",
                                   amount=Decimal("8000"))
        event = ActivityType.objects.get(name="Event")
        northwind_rep = Membership.objects.filter(partner=northwind).select_related("user").first().user
        contoso_rep = Membership.objects.filter(partner=contoso).select_related("user").first().user
        roadshow = services.fund_request_create(
            partner=northwind, actor=northwind_rep, key="demo-roadshow", activity_type=event,
            title="Northwind security roadshow", description="Half-day briefings in three cities with Acme's engineers.",
            starts_on=starts, ends_on=starts + timedelta(days=2), expected_leads=60, expected_attendees=150,
            total_cost=Decimal("9000"), requested_amount=Decimal("4500"))
        services.fund_request_approve(request=roadshow, actor=manager.user if manager else admin, key="demo-roadshow-ok",
                                      amount=Decimal("4000"))
        services.fund_request_create(
            partner=contoso, actor=contoso_rep, key="demo-webinar",
            activity_type=ActivityType.objects.get(name="Webinar"), title="Contoso cloud migration webinar series",
            description="Four webinars for mid-market IT leads.", starts_on=starts + timedelta(days=1),
            ends_on=starts + timedelta(days=22), expected_leads=80, expected_attendees=400,
            total_cost=Decimal("6000"), requested_amount=Decimal("3000"))
