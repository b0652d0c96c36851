"""In real Chromium: market development funds from the partner's request to the payment.

Acme funds a field marketing budget of $20,000 and gives Northwind $5,000 of it. Northwind's admin
sees the $5,000 available in the portal and asks for $3,000 of a $6,000 summit, far enough ahead
for the program's notice of 10 business days. The Acme channel manager may approve up to $2,500
on her own: the full amount is refused with her limit named, and she approves $2,500, which the
portal then shows as held. Until the summit has happened there is nothing to claim. Afterwards
Northwind claims $2,400 with the venue's invoice as a PDF, as its last claim; the manager reviews
the claim beside the invoice, approves it (the request closes and its last $100 goes back to
Northwind) and records the bank transfer. The portal's balance then reads $2,600 available and
$2,400 paid, and the dashboard's utilisation by partner says the same for Northwind.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from mdf import services
from mdf.models import Claim, ClaimProof, ClaimStatus, FundRequest, Payment, PaymentMethod, RequestStatus
from mdf.periods import fiscal_year_of
from mdf.selectors import mdf_settings_for
from partners.content.demo import simple_pdf
from prm.i18n.formatting import money, money_whole, percent
from prm.outbox.models import OutboundEmail
from prm.tenancy.context import tenant_context
from tests.factories import PASSWORD

from .helpers import sign_in, wait_for

pytestmark = pytest.mark.browser

TITLE = "Northwind Security Summit"
INVOICE = "summit-venue-invoice.pdf"
INVOICE_PDF = simple_pdf(["Harbour Conference Centre", "Invoice 2026-118 for Northwind Traders",
                          "Hall B, two days, catering for 150      USD 4,800.00"])
TRANSFER = "ACME-MDF-000118"
MANAGER, NORTHWIND_ADMIN = "manager@acme.example", "admin@northwind.example"


def usd(amount):
    """An amount as the pages write it (English, the program's currency)."""
    with translation.override("en"):
        return money(Decimal(amount), "USD")


def usd_whole(amount):
    with translation.override("en"):
        return money_whole(Decimal(amount), "USD")


def share(hundredths):
    """A percentage as the utilisation page writes it (one decimal)."""
    with translation.override("en"):
        return percent(Decimal(hundredths), 1)


def day(value, fmt="DATE_FORMAT"):
    with translation.override("en"):
        return date_format(value, fmt)


def stat(page, label):
    """The figure of the balance tile labelled exactly `label`."""
    tile = page.locator(".stat").filter(has=page.locator(".stat__label", has_text=re.compile(rf"^{re.escape(label)}$")))
    return tile.locator(".stat__value")


def acme_funds_northwind(world, starts_on):
    """Acme's MDF program through the services: the default rules saved, an "Event" activity type, a budget
    of the activity's fiscal year funded with 20,000 and 5,000 of it allocated to Northwind; the manager
    approves up to 2,500 per request on her own."""
    admin = world.acme_admin.user
    with tenant_context(world.acme):
        settings = services.mdf_settings_update(tenant=world.acme, actor=admin, notice_business_days=10,
                                                vendor_share_percent=Decimal("50"), claim_days=45)
        services.activity_type_create(tenant=world.acme, actor=admin, name="Event")
        # The budget of the activity's fiscal year (the current one, unless the year ends within the notice):
        # an approval draws on the partner's allocation of the year the activity starts in.
        year = fiscal_year_of(starts_on, settings.fiscal_year_start_month)
        budget = services.budget_create(tenant=world.acme, actor=admin, key="journey-budget", name="Field marketing",
                                        fiscal_year=year, amount=Decimal("20000"))
        services.allocation_create(budget=budget, partner=world.northwind, actor=admin, key="journey-northwind",
                                   amount=Decimal("5000"))
        services.approval_limit_set(membership=world.acme_manager, actor=admin, max_amount=Decimal("2500"))
        assert mdf_settings_for(world.acme).notice_business_days == 10
    return budget


def the_summit_happens(world, fund_request):
    """The summit takes place: its dates move into the past, the same two days, ending yesterday.

    Claims open once an activity has ended, and a request can only be submitted 10 business days before
    its activity, so the same request cannot be both in time and claimable today. There is no clock to move
    in this app (the services read the date from django.utils.timezone), and moving the process's clock
    would move the live server's, the sessions' and Playwright's too. Moving the two dates of this one row
    is the smallest stand-in for the weeks passing; everything else stays as the pages wrote it."""
    with tenant_context(world.acme):
        request = FundRequest.objects.get(pk=fund_request.pk)
        shift = request.ends_on - (timezone.localdate() - timedelta(days=1))
        FundRequest.objects.filter(pk=request.pk).update(starts_on=request.starts_on - shift,
                                                         ends_on=request.ends_on - shift)
        request.refresh_from_db()
    return request


def test_northwind_requests_funds_claims_with_an_invoice_and_is_paid(world, site, new_page, tmp_path, mailoutbox,
                                                                      settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with tenant_context(world.acme):
        earliest = services.earliest_start(world.acme)
    starts_on = earliest + timedelta(days=7)
    ends_on = starts_on + timedelta(days=1)
    acme_funds_northwind(world, starts_on)

    # Northwind's admin: Marketing funds shows the 5,000 allocated, all of it available.
    partner = new_page()
    sign_in(partner, site.url(world.acme, "/accounts/login/"), "admin@northwind.example", PASSWORD)
    expect(partner).to_have_url(site.url(world.acme, "/portal/"))
    partner.get_by_role("navigation", name="Main").get_by_role("link", name="Marketing funds", exact=True).click()
    expect(partner).to_have_url(site.url(world.acme, "/portal/funds/"))
    expect(partner.get_by_role("heading", level=1)).to_have_text("Marketing funds")
    expect(stat(partner, "Available")).to_have_text(usd("5000"))
    expect(stat(partner, "Held by approved requests")).to_have_text(usd("0"))
    expect(stat(partner, "Paid")).to_have_text(usd("0"))
    expect(partner.locator("main")).to_contain_text("No requests yet.")

    # A request for the summit: the form says how far ahead it must start.
    partner.get_by_role("link", name="Request funds").click()
    expect(partner).to_have_url(site.url(world.acme, "/portal/funds/new/"))
    expect(partner.locator("#id_starts_on_helptext")).to_have_text(
        f"At least 10 business days ahead: {day(earliest)} or later.")
    partner.get_by_label("Activity type").select_option(label="Event")
    partner.get_by_label("Title").fill(TITLE)
    partner.get_by_label("Description").fill("Two days for 150 IT security buyers; every lead called within a week.")
    partner.get_by_label("Starts on").fill(starts_on.isoformat())
    partner.get_by_label("Ends on").fill(ends_on.isoformat())
    partner.get_by_label("Expected leads").fill("60")
    partner.get_by_label("Expected attendees").fill("150")
    partner.get_by_label("Total cost").fill("6000")
    partner.get_by_label("Requested amount").fill("3000")
    partner.get_by_role("button", name="Submit request").click()

    expect(partner).to_have_url(re.compile(re.escape(site.url(world.acme, "/portal/funds/")) + r"\d+/$"))
    expect(partner.get_by_role("status")).to_have_text("Request submitted: your channel manager decides.")
    expect(partner.get_by_role("heading", level=1)).to_have_text(TITLE)
    facts = partner.locator("dl.props")
    expect(facts.locator("dt:text-is('Status') + dd")).to_have_text("Submitted")
    expect(facts.locator("dt:text-is('Activity') + dd")).to_have_text(f"Event, {day(starts_on)} – {day(ends_on)}")
    expect(facts.locator("dt:text-is('Requested') + dd")).to_contain_text(usd("3000"))
    with tenant_context(world.acme):
        fund_request = FundRequest.objects.get(pk=int(partner.url.rstrip("/").rsplit("/", 1)[1]))
        assert (fund_request.partner, fund_request.status, fund_request.created_by) == (
            world.northwind, RequestStatus.SUBMITTED, world.northwind_admin.user)
        assert (fund_request.starts_on, fund_request.ends_on, fund_request.total_cost, fund_request.requested_amount) == (
            starts_on, ends_on, Decimal("6000.00"), Decimal("3000.00"))
    request_url = partner.url

    # The Acme channel manager: MDF → Fund requests, one waiting.
    manager = new_page()
    sign_in(manager, site.url(world.acme, "/accounts/login/"), "manager@acme.example", PASSWORD)
    expect(manager).to_have_url(site.url(world.acme, "/manage/"))
    manager.get_by_role("navigation", name="Main").get_by_role("link", name="MDF", exact=True).click()
    expect(manager).to_have_url(site.url(world.acme, "/manage/mdf/"))
    manager.get_by_role("link", name="Fund requests (1 waiting)").click()
    expect(manager).to_have_url(site.url(world.acme, "/manage/mdf/requests/"))
    row = manager.locator("tbody tr", has_text=TITLE)
    expect(row).to_contain_text("Northwind Traders · Event")
    expect(row.locator("td.num")).to_have_text(usd("3000"))
    row.get_by_role("link", name=TITLE).click()
    expect(manager).to_have_url(site.url(world.acme, f"/manage/mdf/requests/{fund_request.pk}/"))

    # The full 3,000 is above her limit: refused, with the limit named next to the amount.
    approve = manager.locator("section.card", has=manager.get_by_role("heading", name="Approve", exact=True))
    amount = approve.get_by_label("Amount to approve")
    expect(amount).to_have_value("3000.00")
    approve.get_by_role("button", name="Approve").click()
    expect(approve.locator(".error")).to_have_text(
        f"Your approval limit is {usd('2500')}: a tenant admin decides above it.")
    with tenant_context(world.acme):
        assert FundRequest.objects.get(pk=fund_request.pk).status == RequestStatus.SUBMITTED
    # She approves the 2,500 she may.
    approve.get_by_label("Amount to approve").fill("2500")
    approve.get_by_role("button", name="Approve").click()
    expect(manager.get_by_role("status")).to_have_text("Request approved.")
    facts = manager.locator("dl.props")
    expect(facts.locator("dt:text-is('Status') + dd")).to_have_text("Approved")
    expect(facts.locator("dt:text-is('Approved') + dd")).to_have_text(usd("2500"))
    with tenant_context(world.acme):
        fund_request.refresh_from_db()
        assert (fund_request.status, fund_request.approved_amount, fund_request.decided_by) == (
            RequestStatus.APPROVED, Decimal("2500.00"), world.acme_manager.user)

    # Northwind: 2,500 held by the approved request; nothing to claim before the summit has happened.
    partner.goto(site.url(world.acme, "/portal/funds/"))
    expect(stat(partner, "Available")).to_have_text(usd("2500"))
    expect(stat(partner, "Held by approved requests")).to_have_text(usd("2500"))
    listed = partner.locator("tbody tr", has=partner.get_by_role("link", name=TITLE))
    expect(listed).to_contain_text(usd("2500"))
    expect(listed).to_contain_text("Approved")
    partner.goto(request_url)
    expect(partner.locator("#claims")).to_contain_text(f"Claim from {day(ends_on, 'j M')}, once the activity has ended")
    expect(partner.get_by_role("button", name="Send claim")).to_have_count(0)

    fund_request = the_summit_happens(world, fund_request)
    due = fund_request.ends_on + timedelta(days=45)

    # After the summit: the claim form, with the deadline and what is left.
    partner.reload()
    claims_card = partner.locator("#claims")
    expect(claims_card).to_contain_text(f"Claim by {day(due, 'j M')}: 44 days left")
    expect(stat(partner, "Left to claim")).to_have_text(usd("2500"))
    partner.get_by_label("Amount to claim").fill("2400")
    partner.get_by_label(re.compile(r"^Leads")).fill("52")
    partner.get_by_label(re.compile(r"^Attendees")).fill("138")
    partner.get_by_label("Results achieved").fill("52 leads, 9 meetings booked, 2 deals registered.")
    partner.get_by_label("This is my last claim for this request").check()
    partner.get_by_label("Proof of performance").set_input_files(
        {"name": INVOICE, "mimeType": "application/pdf", "buffer": INVOICE_PDF})
    partner.get_by_role("button", name="Send claim").click()

    expect(partner).to_have_url(request_url)
    expect(partner.get_by_role("status")).to_have_text("Claim sent: your channel manager checks the proof.")
    claim_row = claims_card.locator("tbody tr")
    expect(claim_row).to_have_count(1)
    expect(claim_row.locator(".status")).to_have_text("Submitted")
    expect(claim_row).to_contain_text("last claim")
    expect(claim_row.locator("td.num").first).to_have_text(usd("2400"))
    expect(claim_row.get_by_role("link", name=INVOICE)).to_be_visible()
    expect(stat(partner, "Claims waiting")).to_have_text(usd("2400"))
    expect(stat(partner, "Left to claim")).to_have_text(usd("100"))
    expect(partner.get_by_role("button", name="Send claim")).to_have_count(0)  # a last claim waits: no other follows
    with tenant_context(world.acme):
        claim = Claim.objects.get(fund_request=fund_request)
        assert (claim.status, claim.amount, claim.is_final, claim.created_by) == (
            ClaimStatus.SUBMITTED, Decimal("2400.00"), True, world.northwind_admin.user)
        proof = ClaimProof.objects.get(claim=claim)
        assert (proof.name, proof.kind, proof.size) == (INVOICE, "pdf", len(INVOICE_PDF))
        with proof.file.open("rb") as stored:
            assert stored.read() == INVOICE_PDF

    # The manager: MDF → Fund claims, one waiting; the claim beside its invoice.
    manager.get_by_role("navigation", name="Main").get_by_role("link", name="MDF", exact=True).click()
    manager.get_by_role("link", name="Fund claims").click()
    expect(manager).to_have_url(site.url(world.acme, "/manage/mdf/claims/"))
    expect(manager.locator("main")).to_contain_text("1 claim waiting for a decision")
    queued = manager.locator("table.queue tbody tr", has_text=TITLE)
    expect(queued).to_contain_text("Northwind Traders")
    expect(queued.locator("td.num")).to_have_text(usd("2400"))
    queued.get_by_role("link", name=TITLE).click()
    expect(manager).to_have_url(site.url(world.acme, f"/manage/mdf/claims/{claim.pk}/"))
    claim_url = manager.url
    expect(manager.get_by_role("heading", level=1)).to_have_text(f"Claim of {usd('2400')} Northwind Traders")
    the_claim = manager.locator("section.card", has=manager.get_by_role("heading", name="The claim", exact=True))
    evidence = manager.get_by_role("region", name="Proof of performance")
    expect(the_claim).to_contain_text("52 leads, 138 attendees")
    expect(the_claim).to_contain_text("expected 60 leads, 150 attendees")
    expect(evidence.get_by_role("link", name=INVOICE)).to_be_visible()
    expect(evidence).to_contain_text("(PDF,")
    claim_box, proof_box = the_claim.bounding_box(), evidence.bounding_box()
    assert proof_box["x"] >= claim_box["x"] + claim_box["width"], (claim_box, proof_box)  # side by side
    assert proof_box["y"] == pytest.approx(claim_box["y"], abs=2), (claim_box, proof_box)
    with manager.expect_download() as info:
        evidence.get_by_role("link", name=INVOICE).click()
    assert info.value.suggested_filename == INVOICE
    info.value.save_as(tmp_path / INVOICE)
    assert (tmp_path / INVOICE).read_bytes() == INVOICE_PDF

    # Approved as claimed: the request closes with the last claim and its 100 not claimed goes back.
    approve = manager.locator("section.card", has=manager.get_by_role("heading", name="Approve", exact=True))
    expect(approve.get_by_label("Amount to approve")).to_have_value("2400.00")
    approve.get_by_role("button", name="Approve claim").click()
    expect(manager.get_by_role("status")).to_have_text("Claim approved.")
    claim_facts, request_facts = the_claim.locator("dl.props").first, the_claim.locator("dl.props").nth(1)
    expect(claim_facts.locator("dt:text-is('Status') + dd")).to_have_text("Approved")
    expect(claim_facts.locator("dt:text-is('Approved') + dd")).to_have_text(usd("2400"))
    expect(claim_facts.locator("dt:text-is('Paid') + dd")).to_have_text(f"{usd('0')} (unpaid {usd('2400')})")
    expect(request_facts.locator("dt:text-is('Status') + dd")).to_have_text("Closed")
    with tenant_context(world.acme):
        fund_request.refresh_from_db()
        assert fund_request.status == RequestStatus.CLOSED

    # Northwind, between approval and payment: 2,400 claimed and not paid yet, 2,600 available.
    partner.goto(site.url(world.acme, "/portal/funds/"))
    expect(stat(partner, "Available")).to_have_text(usd("2600"))
    expect(stat(partner, "Held by approved requests")).to_have_text(usd("0"))
    expect(stat(partner, "Claimed, not paid yet")).to_have_text(usd("2400"))
    expect(stat(partner, "Paid")).to_have_text(usd("0"))
    open_claim = partner.locator("section.card", has=partner.get_by_role("heading", name="Your open claims")) \
        .locator("tbody tr")
    expect(open_claim).to_have_count(1)
    expect(open_claim.locator(".status")).to_have_text("Approved")

    # The manager records the bank transfer.
    paid_on = timezone.localdate()
    pay = manager.locator("section.card", has=manager.get_by_role("heading", name="Record a payment"))
    expect(pay.get_by_label("Amount paid")).to_have_value("2400.00")
    pay.get_by_label("Paid on").fill(paid_on.isoformat())
    pay.get_by_label("Method").select_option(label="Bank transfer")
    pay.get_by_label("Reference").fill(TRANSFER)
    pay.get_by_role("button", name="Record payment").click()
    expect(manager.get_by_role("status")).to_have_text("Payment recorded.")
    expect(claim_facts.locator("dt:text-is('Status') + dd")).to_have_text("Paid")
    expect(manager.get_by_role("heading", name="Record a payment")).to_have_count(0)
    payments = manager.locator("section.card", has=manager.get_by_role("heading", name="Payments", exact=True))
    expect(payments.locator("tbody tr")).to_have_text(re.compile(
        rf"{re.escape(day(paid_on))}\s*Bank transfer\s*{TRANSFER}\s*{re.escape(usd('2400'))}"))
    with tenant_context(world.acme):
        claim.refresh_from_db()
        assert (claim.status, claim.approved_amount, claim.paid_amount) == (
            ClaimStatus.PAID, Decimal("2400.00"), Decimal("2400.00"))
        payment = Payment.objects.get(claim=claim)
        assert (payment.amount, payment.paid_on, payment.method, payment.reference, payment.recorded_by) == (
            Decimal("2400.00"), paid_on, PaymentMethod.BANK_TRANSFER, TRANSFER, world.acme_manager.user)

    # Northwind's balance: 2,600 available, nothing held or waiting, 2,400 paid; no open claim left.
    partner.goto(site.url(world.acme, "/portal/funds/"))
    expect(stat(partner, "Available")).to_have_text(usd("2600"))
    expect(stat(partner, "Held by approved requests")).to_have_text(usd("0"))
    expect(stat(partner, "Claimed, not paid yet")).to_have_text(usd("0"))
    expect(stat(partner, "Paid")).to_have_text(usd("2400"))
    expect(partner.locator("main")).to_contain_text("No claims waiting for a decision or a payment.")
    listed = partner.locator("tbody tr", has=partner.get_by_role("link", name=TITLE))
    expect(listed).to_contain_text("Closed")

    # The dashboard's utilisation by partner agrees with the portal: Northwind's row and its bar in the chart.
    portal_figures = {label: stat(partner, label).inner_text()
                      for label in ("Available", "Held by approved requests", "Claimed, not paid yet", "Paid")}
    manager.get_by_role("navigation", name="Main").get_by_role("link", name="MDF", exact=True).click()
    manager.get_by_role("link", name="Utilisation").click()
    expect(manager).to_have_url(site.url(world.acme, "/manage/mdf/utilisation/"))
    expect(manager.get_by_role("heading", level=1)).to_have_text("MDF utilisation")
    filters = manager.get_by_role("search")
    filters.get_by_label("Group by").select_option(label="Partner")
    filters.get_by_role("button", name="Filter").click()
    expect(manager).to_have_url(re.compile(r"/manage/mdf/utilisation/\?(.*&)?by=partner(&|$)"))
    table = manager.locator('table[data-table="utilisation"]')
    expect(table.locator("tbody tr[data-row]")).to_have_count(1)  # only Northwind has an allocation
    row = table.locator('tbody tr[data-row="Northwind Traders"]')
    figures = [usd("5000"), usd("0"), usd("0"), usd("2400"), usd("0"), usd("2600"), share("48.0")]
    expect(row.locator("td")).to_have_text(["Northwind Traders", *figures])
    expect(table.locator("tr.total-row td")).to_have_text(figures)  # the program's total is Northwind's
    cells = row.locator("td")
    assert portal_figures == {"Available": cells.nth(6).inner_text(), "Held by approved requests": cells.nth(2).inner_text(),
                              "Claimed, not paid yet": cells.nth(3).inner_text(), "Paid": cells.nth(4).inner_text()}
    bar = manager.locator('[data-chart="utilisation"] .stack-chart__row[data-row="Northwind Traders"]')
    expect(bar.get_by_role("img")).to_have_accessible_name(
        f"Northwind Traders: {usd_whole('2400')} claimed or paid of {usd_whole('5000')}")
    expect(bar.locator(".stack-chart__value")).to_have_text(share("48.0"))
    segments = bar.locator("[data-segment]")
    expect(segments).to_have_count(2)  # paid, then available: nothing held, waiting or expired
    drawn = [(s.get_attribute("data-segment"), float(s.get_attribute("x")), float(s.get_attribute("width")))
             for s in segments.all()]
    assert [name for name, _x, _width in drawn] == ["paid", "available"]
    assert [(x, width) for _name, x, width in drawn] == [pytest.approx((0, 48)), pytest.approx((48, 52))]

    # Every step told the one who acts next, one message each, linking to the page to act on: the manager
    # heard of the request and the claim, Northwind's admin (who wrote both) of the approval, the claim's
    # approval for what was claimed, and the payment with its reference.
    expected = [
        ("mdf/email/request_submitted", MANAGER, f"Fund request to decide: Northwind Traders, “{TITLE}”",
         site.url(world.acme, f"/manage/mdf/requests/{fund_request.pk}/")),
        ("mdf/email/request_approved", NORTHWIND_ADMIN, f"Approved: {usd('2500')} for “{TITLE}”", request_url),
        ("mdf/email/claim_submitted", MANAGER, f"Fund claim to review: Northwind Traders, {usd('2400')}", claim_url),
        ("mdf/email/claim_approved", NORTHWIND_ADMIN, f"Claim approved: {usd('2400')} for “{TITLE}”", request_url),
        ("mdf/email/payment_recorded", NORTHWIND_ADMIN, f"Paid: {usd('2400')} for “{TITLE}”", request_url),
    ]
    subjects = {subject for _kind, _to, subject, _link in expected}

    def mdf_emails():
        found = [m for m in mailoutbox if m.subject in subjects]
        return found if len(found) >= len(expected) else None

    sent = wait_for(mdf_emails, message="the MDF emails")
    assert sorted((m.to, m.subject) for m in sent) == sorted(([to], subject) for _kind, to, subject, _link in expected)
    by_subject = {m.subject: m for m in sent}
    for _kind, _to, subject, link in expected:
        assert link in by_subject[subject].body, (subject, by_subject[subject].body)
    assert f"You asked for {usd('3000')}." in by_subject[expected[1][2]].body
    assert "They say it is their last claim for this request." in by_subject[expected[2][2]].body
    paid = by_subject[expected[4][2]].body
    assert f"on {day(paid_on)} (Bank transfer)" in paid and f"Reference: {TRANSFER}" in paid
    outbound = OutboundEmail.objects.filter(kind__startswith="mdf/")
    assert sorted((email.kind, email.to, email.subject) for email in outbound) == sorted(
        (kind, [to], subject) for kind, to, subject, _link in expected)
    assert {email.status for email in outbound} == {"sent"}
