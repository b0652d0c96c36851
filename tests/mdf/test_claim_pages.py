"""The claim pages: the partner claims with proof on the request page (deadline countdown, what is
left, errors next to their fields, nothing half-written), withdraws, downloads only its own proof;
staff work the claims queue and the overdue list, review a claim beside its proof, approve (maybe
less, with a reason), reject, record a payment, and close a request."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from mdf import claims
from mdf.models import Claim, ClaimProof, ClaimStatus, FundRequest, LedgerEntry, Payment, RequestStatus
from mdf.selectors import mdf_settings_for
from prm.tenancy.context import tenant_context

from .helpers import allocation, approved_request, ended, funded_budget, key, pdf

D = Decimal
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def png(name="booth.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def _key(response, action):
    """The idempotency key of the form that posts to `action`."""
    html = response.content.decode()
    form = html[html.index(f'action="{action}"'):]
    return re.search(r'name="idempotency_key" value="([0-9a-f]+)"', form).group(1)


@pytest.fixture
def staff(world, client_as):
    return client_as(world.acme_manager)


@pytest.fixture
def rep(world, client_as):
    return client_as(world.northwind_rep)


@pytest.fixture
def claimable(world):
    """Northwind's roadshow, approved for 800 of its 3,000 allocation, ended yesterday."""
    with tenant_context(world.acme):
        budget = funded_budget(world.acme, world.acme_admin.user, "10000")
        allocation(budget, world.northwind, world.acme_admin.user, "3000")
        allocation(budget, world.contoso, world.acme_admin.user, "3000")
        return ended(approved_request(world.northwind, world.acme_admin.user, amount="800"))


def _claim(world, request, amount="500", proofs=None, **fields):
    with tenant_context(world.acme):
        return claims.claim_submit(request=FundRequest.objects.get(pk=request.pk), actor=world.northwind_rep.user,
                                   key=key("claim"), amount=D(amount), proofs=proofs or [pdf()], **fields)


def _proofs(world, claim):
    """The claim's proof files by name."""
    with tenant_context(world.acme):
        return {proof.name: proof for proof in claim.proofs.all()}


def _rows(world):
    with tenant_context(world.acme):
        return (list(Claim.objects.values()), list(ClaimProof.objects.values("pk", "claim_id", "name")),
                list(Payment.objects.values()), list(LedgerEntry.objects.values_list("pk", flat=True)),
                list(FundRequest.objects.values("pk", "status")))


# --- The partner ---------------------------------------------------------------------------------

def test_the_request_page_counts_down_to_the_deadline_and_shows_what_is_left(world, rep, claimable):
    with tenant_context(world.acme):
        days = mdf_settings_for(world.acme).claim_days
    due = claimable.ends_on + timedelta(days=days)
    page = rep.get(reverse("mdf:portal_request", kwargs={"pk": claimable.pk}))
    html = page.content.decode()
    assert page.status_code == 200
    assert f"Claim by {date_format(due, 'j M')}: {(due - timezone.localdate()).days} days left" in html
    assert "Left to claim" in html and "$800.00" in html
    assert 'type="file"' in html and "multiple" in html and 'enctype="multipart/form-data"' in html


def test_a_late_request_says_when_claims_were_due_and_offers_no_form(world, rep, claimable):
    with tenant_context(world.acme):
        days = mdf_settings_for(world.acme).claim_days
        late = ended(claimable, days_ago=days + 3)
    html = rep.get(reverse("mdf:portal_request", kwargs={"pk": late.pk})).content.decode()
    due = late.ends_on + timedelta(days=days)
    assert f"Claims were due by {date_format(due, 'j M Y')}" in html
    assert reverse("mdf:portal_claim", kwargs={"pk": late.pk}) not in html



def test_no_claim_form_while_a_last_claim_waits_and_it_is_back_once_that_claim_is_rejected(world, rep, staff, claimable):
    form_action = reverse("mdf:portal_claim", kwargs={"pk": claimable.pk})
    last = _claim(world, claimable, amount="300", is_final=True)  # 500 of the 800 still unclaimed
    assert form_action not in rep.get(reverse("mdf:portal_request", kwargs={"pk": claimable.pk})).content.decode()
    with tenant_context(world.acme):
        claims.claim_reject(claim=last, actor=world.acme_manager.user, key=key(), reason="No invoice")
    assert form_action in rep.get(reverse("mdf:portal_request", kwargs={"pk": claimable.pk})).content.decode()

def test_the_partner_claims_with_several_files_once_however_often_it_is_sent(world, rep, claimable):
    url = reverse("mdf:portal_claim", kwargs={"pk": claimable.pk})
    page = rep.get(reverse("mdf:portal_request", kwargs={"pk": claimable.pk}))
    fields = {"idempotency_key": _key(page, url), "amount": "450", "leads": "31", "attendees": "96",
              "results": "Two pilots booked", "is_final": ""}
    sent = rep.post(url, {**fields, "proof": [pdf(), png()]})
    assert sent.status_code == 302
    assert rep.post(url, {**fields, "proof": [pdf(), png()]}).status_code == 302  # a double submit
    with tenant_context(world.acme):
        claim = Claim.objects.get()
        assert (claim.amount, claim.leads, claim.attendees, claim.status) == (D("450.00"), 31, 96, ClaimStatus.SUBMITTED)
        assert sorted(claim.proofs.values_list("name", flat=True)) == ["booth.png", "invoice.pdf"]
    html = rep.get(reverse("mdf:portal_request", kwargs={"pk": claimable.pk})).content.decode()
    assert "$450.00" in html and "$350.00" in html  # claimed, and left to claim
    assert "booth.png" in html and "Fund claim submitted" in html  # the proof and the timeline


@pytest.mark.parametrize("change, field", [
    ({"amount": "800.01"}, "amount"),  # more than is left of the approval
    ({"proof": []}, "proof"),  # no proof at all
    ({"proof": "exe"}, "proof"),  # a file that is not an allowed kind
    ({"leads": "-1"}, "leads"),
])
def test_a_refused_claim_writes_nothing_and_says_why_next_to_the_field(world, rep, claimable, change, field):
    url = reverse("mdf:portal_claim", kwargs={"pk": claimable.pk})
    before = _rows(world)
    data = {"idempotency_key": "claim-form-1", "amount": "300", "leads": "1", "attendees": "1", "results": "",
            "proof": [pdf(), png()], **change}
    if data["proof"] == "exe":
        data["proof"] = [pdf(), SimpleUploadedFile("tool.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")]
    refused = rep.post(url, data)
    assert refused.status_code == 400
    assert f'id="id_{field}_error"'.encode() in refused.content
    if field == "proof" and change["proof"]:
        assert b"tool.pdf" in refused.content  # the error names the file to fix
    assert _rows(world) == before


def test_the_partner_withdraws_a_waiting_claim(world, rep, claimable):
    claim = _claim(world, claimable)
    page = rep.get(reverse("mdf:portal_request", kwargs={"pk": claimable.pk}))
    url = reverse("mdf:portal_claim_withdraw", kwargs={"pk": claim.pk})
    assert rep.post(url, {"idempotency_key": _key(page, url)}).status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.WITHDRAWN


def test_proof_files_are_the_partners_own(world, rep, client_as, claimable):
    claim = _claim(world, claimable, proofs=[pdf(), png()])
    proof = _proofs(world, claim)["invoice.pdf"]
    url = reverse("mdf:portal_proof", kwargs={"pk": proof.pk})
    own = rep.get(url)
    assert own.status_code == 200
    assert own["Content-Disposition"].startswith("attachment") and "invoice.pdf" in own["Content-Disposition"]
    assert own["Cache-Control"] == "private, no-store" and own["X-Content-Type-Options"] == "nosniff"
    assert b"".join(own.streaming_content).startswith(b"%PDF")

    contoso = client_as(world.contoso_rep)
    missing = contoso.get(reverse("mdf:portal_proof", kwargs={"pk": 987654321}))
    hidden = contoso.get(url)
    assert hidden.status_code == missing.status_code == 404 and hidden.content == missing.content
    assert client_as(world.initech_admin).get(url).status_code == 404
    # Nor do Contoso's pages show Northwind's claim, its request or its files.
    assert contoso.get(reverse("mdf:portal_request", kwargs={"pk": claimable.pk})).status_code == 404
    funds = contoso.get(reverse("mdf:portal")).content.decode()
    assert claimable.title not in funds and "invoice.pdf" not in funds


def test_another_partner_cannot_withdraw_or_claim_and_nothing_changes(world, client_as, claimable):
    claim = _claim(world, claimable)
    contoso = client_as(world.contoso_rep)
    before = _rows(world)
    assert contoso.post(reverse("mdf:portal_claim_withdraw", kwargs={"pk": claim.pk}),
                        {"idempotency_key": "x-1"}).status_code == 404
    assert contoso.post(reverse("mdf:portal_claim", kwargs={"pk": claimable.pk}),
                        {"idempotency_key": "x-2", "amount": "10", "leads": "0", "attendees": "0",
                         "proof": [pdf()]}).status_code == 404
    assert _rows(world) == before


def test_the_funds_home_shows_balances_open_claims_and_deadlines(world, rep, claimable):
    _claim(world, claimable, "300")
    html = rep.get(reverse("mdf:portal")).content.decode()
    # 3,000 allocated, 800 held by the approved request; the waiting claim is listed with its request.
    assert "$2,200.00" in html and "$800.00" in html and "$300.00" in html
    assert "Your open claims" in html and claimable.title in html and "days left" in html


# --- Staff -----------------------------------------------------------------------------------------

def test_the_claims_queue_lists_by_age_filters_by_status_and_shows_the_overdue(world, staff, claimable):
    old = _claim(world, claimable, "100")
    new = _claim(world, claimable, "200")
    Claim.unscoped.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=9))
    with tenant_context(world.acme):
        forgotten = approved_request(world.contoso, world.acme_admin.user, title="Forgotten webinar", amount="500")
        ended(forgotten, days_ago=mdf_settings_for(world.acme).claim_days + 1)  # deadline passed, nothing claimed
        fresh = approved_request(world.contoso, world.acme_admin.user, title="Fresh webinar", amount="500")
        ended(fresh, days_ago=1)  # weeks left to claim
    html = staff.get(reverse("mdf:claims")).content.decode()
    assert html.index(reverse("mdf:claim", kwargs={"pk": old.pk})) < html.index(reverse("mdf:claim", kwargs={"pk": new.pk}))
    assert "2 claims waiting for a decision" in html
    assert "Forgotten webinar" in html and "Fresh webinar" not in html and "Claims were due by" in html
    assert claimable.title not in html.split("Overdue")[1]  # it has claims
    with tenant_context(world.acme):
        claims.claim_reject(claim=new, actor=world.acme_manager.user, key=key(), reason="Blurry invoice")
    rejected = staff.get(reverse("mdf:claims"), {"status": "rejected"}).content.decode()
    assert reverse("mdf:claim", kwargs={"pk": new.pk}) in rejected
    assert reverse("mdf:claim", kwargs={"pk": old.pk}) not in rejected


def test_the_review_page_shows_the_facts_beside_the_proof_images_inline_only(world, staff, claimable):
    claim = _claim(world, claimable, "500", proofs=[pdf(), png()])
    image, document = _proofs(world, claim)["booth.png"], _proofs(world, claim)["invoice.pdf"]
    html = staff.get(reverse("mdf:claim", kwargs={"pk": claim.pk})).content.decode()
    assert f'<img src="{reverse("mdf:proof_image", kwargs={"pk": image.pk})}"' in html
    assert f'href="{reverse("mdf:proof", kwargs={"pk": document.pk})}" download' in html
    assert "$800.00" in html and "$500.00" in html and claimable.title in html  # approved, claimed
    inline = staff.get(reverse("mdf:proof_image", kwargs={"pk": image.pk}))
    assert inline.status_code == 200 and inline["Content-Type"] == "image/png"
    assert inline["Content-Disposition"].startswith("inline") and inline["X-Content-Type-Options"] == "nosniff"
    assert staff.get(reverse("mdf:proof_image", kwargs={"pk": document.pk})).status_code == 404  # a PDF is never inline
    download = staff.get(reverse("mdf:proof", kwargs={"pk": document.pk}))
    assert download["Content-Disposition"].startswith("attachment")


def test_approve_less_needs_a_reason_then_pay_the_unpaid_by_default(world, staff, claimable):
    claim = _claim(world, claimable, "500")
    page = staff.get(reverse("mdf:claim", kwargs={"pk": claim.pk}))
    url = reverse("mdf:claim_approve", kwargs={"pk": claim.pk})
    before = _rows(world)
    refused = staff.post(url, {"idempotency_key": _key(page, url), "amount": "450", "reason": ""})
    assert refused.status_code == 400 and b'id="approve_reason_error"' in refused.content
    assert _rows(world) == before
    data = {"idempotency_key": _key(page, url), "amount": "450", "reason": "One invoice was a quote"}
    assert staff.post(url, data).status_code == 302
    assert staff.post(url, data).status_code == 302  # the replay approves once
    claim.refresh_from_db()
    assert (claim.status, claim.approved_amount) == (ClaimStatus.APPROVED, D("450.00"))

    page = staff.get(reverse("mdf:claim", kwargs={"pk": claim.pk}))
    assert b'name="amount" value="450.00"' in page.content  # the payment's default: what is unpaid
    pay = reverse("mdf:claim_pay", kwargs={"pk": claim.pk})
    future = staff.post(pay, {"idempotency_key": _key(page, pay), "amount": "",
                              "paid_on": str(timezone.localdate() + timedelta(days=3)), "method": "transfer"})
    assert future.status_code == 400 and b'id="pay_paid_on_error"' in future.content
    done = staff.post(pay, {"idempotency_key": _key(page, pay), "amount": "", "paid_on": str(timezone.localdate()),
                            "method": "transfer", "reference": "PAY-77"})
    assert done.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.paid_amount) == (ClaimStatus.PAID, D("450.00"))
    with tenant_context(world.acme):
        assert Payment.objects.get().reference == "PAY-77"
    portal = staff.get(reverse("mdf:request", kwargs={"pk": claimable.pk})).content.decode()
    assert "Paid" in portal and "$450.00" in portal


def test_reject_needs_a_reason_the_partner_then_reads(world, staff, rep, claimable):
    claim = _claim(world, claimable, "500")
    url = reverse("mdf:claim_reject", kwargs={"pk": claim.pk})
    before = _rows(world)
    assert staff.post(url, {"idempotency_key": "r-1", "reason": ""}).status_code == 400
    assert _rows(world) == before
    assert staff.post(url, {"idempotency_key": "r-2", "reason": "The photos show another event"}).status_code == 302
    html = rep.get(reverse("mdf:portal_request", kwargs={"pk": claimable.pk})).content.decode()
    assert "Rejected" in html and "The photos show another event" in html


def test_a_partner_user_cannot_decide_or_pay_and_nothing_changes(world, rep, claimable):
    claim = _claim(world, claimable, "500")
    before = _rows(world)
    for name, data in (("mdf:claim_approve", {"amount": ""}), ("mdf:claim_reject", {"reason": "no"}),
                       ("mdf:claim_pay", {"paid_on": str(timezone.localdate()), "method": "transfer"})):
        assert rep.post(reverse(name, kwargs={"pk": claim.pk}), {"idempotency_key": f"p-{name}", **data}).status_code == 403
    assert rep.get(reverse("mdf:proof", kwargs={"pk": _proofs(world, claim)["invoice.pdf"].pk})).status_code == 403
    assert _rows(world) == before


def test_staff_close_a_request_which_releases_the_rest(world, staff, claimable):
    claim = _claim(world, claimable, "300")
    page = staff.get(reverse("mdf:request", kwargs={"pk": claimable.pk}))
    assert reverse("mdf:request_close", kwargs={"pk": claimable.pk}).encode() not in page.content  # a claim waits
    with tenant_context(world.acme):
        claims.claim_approve(claim=claim, actor=world.acme_manager.user, key=key())
    page = staff.get(reverse("mdf:request", kwargs={"pk": claimable.pk}))
    url = reverse("mdf:request_close", kwargs={"pk": claimable.pk})
    assert b"$500.00" in page.content  # what closing gives back
    assert staff.post(url, {"idempotency_key": _key(page, url), "text": ""}).status_code == 400
    assert staff.post(url, {"idempotency_key": _key(page, url), "text": "Roadshow done"}).status_code == 302
    claimable.refresh_from_db()
    assert claimable.status == RequestStatus.CLOSED
    with tenant_context(world.acme):
        pool = claimable.allocation.account
        pool.refresh_from_db()
        assert (pool.encumbered, pool.claimed, pool.available) == (D("0.00"), D("300.00"), D("2700.00"))
