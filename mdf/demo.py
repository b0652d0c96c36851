"""Demo market development funds for Acme: a budget of the current fiscal year split into two regions,
allocations to Northwind (EMEA) and Contoso (Americas), an approved request of Northwind's and a
submitted one of Contoso's waiting in the review queue; and activities that took place, with their
claims: Northwind's summit claimed twice (one claim paid, one waiting with its proof), Contoso's
cloud day approved for less than claimed and not paid yet, and Northwind's trade fair with nothing
claimed past its deadline (the dashboard's overdue list). The partners named the summit and the cloud
day on some of their demo deals (won, approved, lost), so the ROI page has figures."""

import struct
import zlib
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dealreg.models import Deal, DealStatus
from partners.models import Partner
from prm.tenancy.context import tenant_context
from prm.tenancy.models import Membership, Role, Tenant

from . import claims, services
from .attribution import activity_deal_set
from .models import ActivityDeal, ActivityType, Budget, Claim, FundRequest, PaymentMethod
from .periods import fiscal_year_of
from .selectors import mdf_settings_for

ACTIVITY_TYPES = ("Event", "Webinar", "Digital campaign", "Print advertising")


def load_mdf_demo() -> None:
    """Idempotent: every write carries a fixed idempotency key, a program with budgets keeps them as they
    are, and one with claims keeps those."""
    tenant = Tenant.objects.get(slug="acme")
    with tenant_context(tenant):
        if not Budget.objects.exists():
            _funds(tenant)
        if not Claim.objects.exists():
            _claims(tenant)
        if not ActivityDeal.objects.exists():
            _attributed()


def _funds(tenant: Tenant) -> None:
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


def _png(width: int = 240, height: int = 160, rgb: tuple = (29, 78, 216)) -> bytes:
    """A plain PNG picture (the booth photo of the demo's proof), made without an imaging library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _proof(name: str) -> SimpleUploadedFile:
    if name.endswith(".png"):
        return SimpleUploadedFile(name, _png(), content_type="image/png")
    if name.endswith(".csv"):
        return SimpleUploadedFile(name, b"name,company\nKim Ro,Initrode\nPat Doe,Fabrikam\n", content_type="text/csv")
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _took_place(request: FundRequest, ended_days_ago: int) -> FundRequest:
    """The demo's claimed activities were requested weeks ago and have taken place: the request, approved
    today through the services (the notice rule admits only future dates), has its dates moved back."""
    ends = timezone.localdate() - timedelta(days=ended_days_ago)
    FundRequest.objects.filter(pk=request.pk).update(starts_on=ends - timedelta(days=1), ends_on=ends)
    request.refresh_from_db()
    return request


def _approved(key: str, partner: Partner, actor, decider, title: str, amount: str, ended_days_ago: int) -> FundRequest:
    starts = services.earliest_start(partner.tenant) + timedelta(days=7)
    request = services.fund_request_create(
        partner=partner, actor=actor, key=key, activity_type=ActivityType.objects.get(name="Event"), title=title,
        description="", starts_on=starts, ends_on=starts + timedelta(days=1), expected_leads=40,
        expected_attendees=120, total_cost=Decimal(amount) * 2, requested_amount=Decimal(amount))
    request = services.fund_request_approve(request=request, actor=decider, key=f"{key}-ok")
    return _took_place(request, ended_days_ago)


def _claims(tenant: Tenant) -> None:
    admin = Membership.objects.filter(role=Role.TENANT_ADMIN).select_related("user").first().user
    manager = Membership.objects.filter(role=Role.CHANNEL_MANAGER).select_related("user").first()
    decider = manager.user if manager else admin
    northwind = Partner.objects.get(name="Northwind Traders")
    contoso = Partner.objects.get(name="Contoso Integration")
    northwind_rep = Membership.objects.filter(partner=northwind).select_related("user").first().user
    contoso_rep = Membership.objects.filter(partner=contoso).select_related("user").first().user
    claim_days = mdf_settings_for(tenant).claim_days

    summit = _approved("demo-summit", northwind, northwind_rep, decider, "Northwind partner summit", "3000", 10)
    first = claims.claim_submit(
        request=summit, actor=northwind_rep, key="demo-summit-claim-1", amount=Decimal("1800"),
        proofs=[_proof("venue-invoice.pdf"), _proof("summit-booth.png")], leads=52, attendees=140,
        results="Two workshops booked, three pilots opened with Acme's field team.")
    first = claims.claim_approve(claim=first, actor=decider, key="demo-summit-claim-1-ok")
    claims.payment_record(claim=first, actor=decider, key="demo-summit-claim-1-paid", method=PaymentMethod.BANK_TRANSFER,
                          reference="ACME-PAY-1001")
    claims.claim_submit(
        request=summit, actor=northwind_rep, key="demo-summit-claim-2", amount=Decimal("900"),
        proofs=[_proof("catering-invoice.pdf"), _proof("attendees.csv")], leads=0, attendees=0, is_final=True,
        results="The catering invoice came after the first claim.")

    cloud_day = _approved("demo-cloud-day", contoso, contoso_rep, decider, "Contoso cloud day", "2000", 20)
    claim = claims.claim_submit(
        request=cloud_day, actor=contoso_rep, key="demo-cloud-day-claim", amount=Decimal("1500"),
        proofs=[_proof("cloud-day-invoice.pdf"), _proof("cloud-day-stage.png")], leads=35, attendees=90,
        results="35 qualified leads passed to Acme's inside sales.")
    claims.claim_approve(claim=claim, actor=decider, key="demo-cloud-day-claim-ok", amount=Decimal("1400"),
                         reason="The printed banners are not marketing funds' to pay.")

    # Nothing claimed and the deadline passed two days ago: the dashboard's overdue list shows it.
    _approved("demo-trade-fair", northwind, northwind_rep, decider, "Northwind trade fair booth", "1000", claim_days + 2)


def _attributed() -> None:
    """Northwind's won and approved deals came from its summit, Contoso's approved and lost ones from its
    cloud day (the deal demo's first deal of each partner in each state)."""
    plan = (("Northwind partner summit", (DealStatus.WON, DealStatus.APPROVED)),
            ("Contoso cloud day", (DealStatus.APPROVED, DealStatus.LOST)))
    for title, states in plan:
        request = FundRequest.objects.filter(title=title).first()
        if request is None:
            continue
        for state in states:
            deal = Deal.objects.filter(partner=request.partner, status=state).order_by("pk").first()
            if deal is not None:
                activity_deal_set(deal=deal, fund_request=request, actor=deal.registered_by)
