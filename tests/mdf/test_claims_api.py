"""The MDF claims API: claims with proof (multipart), their decisions, payments and closing a request,
each write behind an Idempotency-Key (a replay is the first answer and acts once), partner users
confined to their own claims, payments and proof files, refused writes changing nothing."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from mdf import claims
from mdf.models import Claim, ClaimProof, FundRequest, LedgerEntry, Payment, RequestStatus
from prm.audit.models import AuditEvent
from prm.tenancy.context import tenant_context

from .helpers import allocation, approved_request, ended, funded_budget, key, pdf

PROOF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _client(member, host="acme.localhost"):
    client = APIClient(HTTP_HOST=host)
    client.force_login(member.user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _post(client, url, body=None, key="k-1"):
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(url, body or {}, format="json", **extra)


def _claim_post(client, body, key="c-1", files=None):
    """A multipart claim: the fields and one `proof` part per file."""
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    proofs = [pdf("invoice.pdf", PROOF), pdf("attendees.pdf", PROOF)] if files is None else files
    return client.post("/api/v1/fund-claims/", {**body, "proof": proofs}, format="multipart", **extra)


def _row(model, pk):
    return model._base_manager.filter(pk=pk).values().get()


def _audit_of(obj):
    return list(AuditEvent.unscoped.filter(target_type=obj._meta.label_lower, target_id=str(obj.pk))
                .values_list("id", flat=True))


@pytest.fixture
def staff(world):
    return _client(world.acme_manager)


@pytest.fixture
def rep(world):
    return _client(world.northwind_rep)


@pytest.fixture
def claimable(world):
    """Northwind's request approved for 800 out of its 3,000, its activity ended yesterday."""
    with tenant_context(world.acme):
        budget = funded_budget(world.acme, world.acme_admin.user, "10000")
        allocation(budget, world.northwind, world.acme_admin.user, "3000")
        return ended(approved_request(world.northwind, world.acme_manager.user, amount="800"))


def _submitted(request, user, amount="500", **fields):
    with tenant_context(request.tenant):
        return claims.claim_submit(request=request, actor=user, key=key("claim"), amount=Decimal(amount),
                                   proofs=[pdf()], **fields)


def test_a_partner_claims_with_proof_and_the_replay_is_the_first_answer(world, rep, claimable):
    body = {"fund_request": claimable.pk, "amount": "500.00", "leads": "12", "attendees": "90",
            "results": "Three cities, 90 people"}
    first = _claim_post(rep, body, key="claim-1")
    assert first.status_code == 201, first.content
    made = first.json()
    assert (made["status"], made["amount"], made["partner"], made["fund_request"]) == (
        "submitted", "500.00", world.northwind.pk, claimable.pk)
    assert (made["leads"], made["attendees"], made["results"]) == (12, 90, "Three cities, 90 people")
    assert [(p["name"], p["kind"], p["size"]) for p in made["proofs"]] == [
        ("invoice.pdf", "pdf", len(PROOF)), ("attendees.pdf", "pdf", len(PROOF))]
    assert made["proofs"][0]["download"] == f"/api/v1/fund-claim-proofs/{made['proofs'][0]['id']}/download/"
    # The claim moves on; the replay still answers what the first request got, and claims nothing more.
    with tenant_context(world.acme):
        claims.claim_reject(claim=Claim.objects.get(pk=made["id"]), actor=world.acme_manager.user, key=key(),
                            reason="Blurred invoice")
    replay = _claim_post(rep, body, key="claim-1")
    assert replay.status_code == 201 and replay.content == first.content
    assert Claim.unscoped.count() == 1 and ClaimProof.unscoped.count() == 2
    assert rep.get(f"/api/v1/fund-claims/{made['id']}/").json()["status"] == "rejected"
    reused = _post(rep, f"/api/v1/fund-claims/{made['id']}/withdraw/", {}, key="claim-1")
    assert reused.status_code == 400 and "idempotency_key" in reused.json()


def test_a_claim_is_refused_with_the_field_to_fix_and_nothing_is_kept(world, rep, staff, claimable):
    body = {"fund_request": claimable.pk, "amount": "500"}
    no_key = _claim_post(rep, body, key=None)
    assert no_key.status_code == 400 and "Idempotency-Key" in no_key.json()["detail"][0]
    assert "proof" in _claim_post(rep, body, key="c-none", files=[]).json()
    not_a_pdf = _claim_post(rep, body, key="c-text", files=[pdf("invoice.pdf", b"just words, no PDF")])
    assert not_a_pdf.status_code == 400 and "invoice.pdf" in not_a_pdf.json()["proof"][0]
    too_much = _claim_post(rep, {**body, "amount": "800.01"}, key="c-much")
    assert too_much.status_code == 400 and "amount" in too_much.json()
    assert "amount" in _claim_post(rep, {**body, "amount": "0"}, key="c-zero").json()
    assert "leads" in _claim_post(rep, {**body, "leads": "-1"}, key="c-leads").json()
    with tenant_context(world.acme):
        budget = funded_budget(world.acme, world.acme_admin.user, "1000", name="Contoso's")
        allocation(budget, world.contoso, world.acme_admin.user, "1000")
        theirs = ended(approved_request(world.contoso, world.acme_manager.user))
    foreign = _claim_post(rep, {**body, "fund_request": theirs.pk}, key="c-theirs")
    missing = _claim_post(rep, {**body, "fund_request": 987654321}, key="c-missing")
    assert foreign.status_code == 400 and foreign.content == missing.content  # not yours = missing
    assert "fund_request" in foreign.json()
    assert _claim_post(staff, body, key="c-staff").status_code == 403  # partners claim
    assert _claim_post(rep, body, key="c-ok").status_code == 201  # the right body is accepted
    json_body = rep.post("/api/v1/fund-claims/", body, format="json", HTTP_IDEMPOTENCY_KEY="c-json-2")
    assert json_body.status_code == 400 and "proof" in json_body.json()
    assert Claim.unscoped.count() == 1 and ClaimProof.unscoped.count() == 2


def test_the_manager_approves_less_with_a_reason_and_records_the_payment(world, rep, staff, claimable):
    claim = _submitted(claimable, world.northwind_rep.user, "500")
    url = f"/api/v1/fund-claims/{claim.pk}"
    before, trail = _row(Claim, claim.pk), _audit_of(claim)
    assert _post(rep, f"{url}/approve/", {"amount": "500"}, key="own").status_code == 403
    without_reason = _post(staff, f"{url}/approve/", {"amount": "450"}, key="ap-0")
    assert without_reason.status_code == 400 and "reason" in without_reason.json()
    assert "amount" in _post(staff, f"{url}/approve/", {"amount": "500.01"}, key="ap-x").json()
    assert _row(Claim, claim.pk) == before and _audit_of(claim) == trail  # refused: nothing changed
    approved = _post(staff, f"{url}/approve/", {"amount": "450", "reason": "One invoice was a quote"}, key="ap-1")
    assert approved.status_code == 200, approved.content
    assert (approved.json()["status"], approved.json()["approved_amount"], approved.json()["unpaid"]) == (
        "approved", "450.00", "450.00")
    assert _post(staff, f"{url}/approve/", {"amount": "450", "reason": "x"}, key="ap-1").content == approved.content

    pay = {"claim": claim.pk, "amount": "200", "method": "credit", "reference": "CN-7"}
    before = _row(Claim, claim.pk)
    assert _post(rep, "/api/v1/mdf-payments/", pay, key="pay-rep").status_code == 403
    assert "amount" in _post(staff, "/api/v1/mdf-payments/", {**pay, "amount": "450.01"}, key="pay-x").json()
    assert "paid_on" in _post(staff, "/api/v1/mdf-payments/", {**pay, "paid_on": "2999-01-01"}, key="pay-f").json()
    assert "claim" in _post(staff, "/api/v1/mdf-payments/", {**pay, "claim": 987654321}, key="pay-m").json()
    assert _row(Claim, claim.pk) == before and not Payment.unscoped.exists()
    paid = _post(staff, "/api/v1/mdf-payments/", pay, key="pay-1")
    assert paid.status_code == 201, paid.content
    assert (paid.json()["amount"], paid.json()["method"], paid.json()["reference"], paid.json()["partner"]) == (
        "200.00", "credit", "CN-7", world.northwind.pk)
    assert _post(staff, "/api/v1/mdf-payments/", pay, key="pay-1").content == paid.content
    assert Payment.unscoped.count() == 1
    rest = _post(staff, "/api/v1/mdf-payments/", {"claim": claim.pk}, key="pay-2")  # the default: all that is unpaid
    assert rest.status_code == 201 and rest.json()["amount"] == "250.00" and rest.json()["method"] == "transfer"
    assert staff.get(f"{url}/").json()["status"] == "paid"
    assert _post(staff, "/api/v1/mdf-payments/", {"claim": claim.pk}, key="pay-3").status_code == 400  # paid in full

    assert [p["id"] for p in rep.get("/api/v1/mdf-payments/").json()["results"]] == [rest.json()["id"], paid.json()["id"]]
    assert rep.get(f"/api/v1/mdf-payments/{paid.json()['id']}/").json()["claim"] == claim.pk
    entries = rep.get("/api/v1/mdf-ledger/", {"claim": claim.pk}).json()["results"]
    assert {(e["kind"], e["bucket"], e["amount"], e["account_kind"]) for e in entries} >= {
        ("claim_approved", "claimed", "450.00", "request"), ("paid", "paid", "200.00", "allocation")}
    assert {e["kind"] for e in entries} == {"claim_approved", "paid"}
    assert rep.get("/api/v1/mdf-ledger/", {"kind": "paid"}).json()["count"] == 8  # two payments, two buckets of two accounts each
    assert staff.get("/api/v1/mdf-ledger/", {"kind": "nope"}).status_code == 400


def test_reject_and_withdraw(world, rep, staff, claimable):
    first = _submitted(claimable, world.northwind_rep.user, "300")
    second = _submitted(claimable, world.northwind_rep.user, "200")
    assert "reason" in _post(staff, f"/api/v1/fund-claims/{first.pk}/reject/", {"reason": " "}, key="rj-0").json()
    rejected = _post(staff, f"/api/v1/fund-claims/{first.pk}/reject/", {"reason": "No attendee list"}, key="rj-1")
    assert (rejected.json()["status"], rejected.json()["reason"]) == ("rejected", "No attendee list")
    assert _post(rep, f"/api/v1/fund-claims/{second.pk}/reject/", {"reason": "mine"}, key="rj-2").status_code == 403
    before, trail = _row(Claim, second.pk), _audit_of(second)
    assert _post(staff, f"/api/v1/fund-claims/{second.pk}/withdraw/", {}, key="wd-0").status_code == 403
    assert _row(Claim, second.pk) == before and _audit_of(second) == trail
    withdrawn = _post(rep, f"/api/v1/fund-claims/{second.pk}/withdraw/", {"reason": "Wrong amount"}, key="wd-1")
    assert withdrawn.json()["status"] == "withdrawn"
    again = _post(rep, f"/api/v1/fund-claims/{second.pk}/withdraw/", {}, key="wd-2")
    assert again.status_code == 400 and again.json()["detail"]  # the reason of the refused move
    listed = staff.get("/api/v1/fund-claims/", {"status": "withdrawn"}).json()["results"]
    assert [c["id"] for c in listed] == [second.pk]
    assert staff.get("/api/v1/fund-claims/", {"status": "lost"}).status_code == 400


def test_the_manager_closes_a_request_and_the_rest_is_released(world, rep, staff, claimable):
    claim = _submitted(claimable, world.northwind_rep.user, "300")
    url = f"/api/v1/fund-requests/{claimable.pk}/close/"
    before, trail = _row(FundRequest, claimable.pk), _audit_of(claimable)
    assert _post(rep, url, {"reason": "done"}, key="cl-rep").status_code == 403
    assert "reason" in _post(staff, url, {"reason": ""}, key="cl-0").json()
    waiting = _post(staff, url, {"reason": "Season over"}, key="cl-1")
    assert waiting.status_code == 400 and waiting.json()["detail"]  # a claim waits for a decision
    assert _row(FundRequest, claimable.pk) == before and _audit_of(claimable) == trail
    _post(staff, f"/api/v1/fund-claims/{claim.pk}/approve/", {}, key="ap-1")
    closed = _post(staff, url, {"reason": "Season over"}, key="cl-2")
    assert closed.status_code == 200, closed.content
    assert (closed.json()["status"], closed.json()["reason"]) == ("closed", "Season over")
    assert _post(staff, url, {"reason": "Season over"}, key="cl-2").content == closed.content
    released = rep.get("/api/v1/mdf-ledger/", {"kind": "released", "fund_request": claimable.pk}).json()["results"]
    assert [(e["bucket"], e["amount"]) for e in released] == [("funded", "-500.00")]
    with tenant_context(world.acme):
        assert FundRequest.objects.get(pk=claimable.pk).status == RequestStatus.CLOSED
        assert LedgerEntry.objects.filter(kind="released").count() == 2  # the request's and the allocation's
    assert _claim_post(rep, {"fund_request": claimable.pk, "amount": "10"}, key="late").status_code == 400


def test_partner_users_see_only_their_own_claims_payments_and_proof(world, rep, staff, claimable):
    claim = _submitted(claimable, world.northwind_rep.user, "500")
    _post(staff, f"/api/v1/fund-claims/{claim.pk}/approve/", {}, key="ap-1")
    payment = _post(staff, "/api/v1/mdf-payments/", {"claim": claim.pk, "amount": "100"}, key="pay-1").json()
    with tenant_context(world.acme):
        proof = ClaimProof.objects.get(claim=claim)
    contoso = _client(world.contoso_rep)
    globex = _client(world.globex_admin, host="globex.localhost")

    assert [c["id"] for c in rep.get("/api/v1/fund-claims/").json()["results"]] == [claim.pk]
    assert [p["id"] for p in rep.get("/api/v1/fund-claim-proofs/", {"claim": claim.pk}).json()["results"]] == [proof.pk]
    for outsider in (contoso, globex):
        assert outsider.get("/api/v1/fund-claims/").json()["results"] == []
        assert outsider.get("/api/v1/mdf-payments/").json()["results"] == []
        assert outsider.get("/api/v1/fund-claim-proofs/").json()["results"] == []
        for path in ("/api/v1/fund-claims/{}/", "/api/v1/mdf-payments/{}/", "/api/v1/fund-claim-proofs/{}/",
                     "/api/v1/fund-claim-proofs/{}/download/"):
            pk = {"fund-claims": claim.pk, "mdf-payments": payment["id"]}.get(path.split("/")[3], proof.pk)
            hidden, missing = outsider.get(path.format(pk)), outsider.get(path.format(987654321))
            assert hidden.status_code == 404 and hidden.content == missing.content, path
    withdraw = _post(contoso, f"/api/v1/fund-claims/{claim.pk}/withdraw/", {}, key="wd-x")
    assert withdraw.status_code == 404
    assert _post(globex, f"/api/v1/fund-claims/{claim.pk}/approve/", {}, key="ap-x").status_code == 404

    for reader in (rep, staff):
        download = reader.get(f"/api/v1/fund-claim-proofs/{proof.pk}/download/")
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == pdf().read()
        assert download["Content-Type"] == "application/pdf"
        assert download["Content-Disposition"].startswith("attachment") and "invoice.pdf" in download["Content-Disposition"]
        assert download["Cache-Control"] == "private, no-store"
    assert rep.get(f"/api/v1/fund-claims/{claim.pk}/").json()["proofs"][0]["id"] == proof.pk
    assert APIClient(HTTP_HOST="acme.localhost").get(f"/api/v1/fund-claim-proofs/{proof.pk}/download/").status_code in (
        401, 403)
    assert staff.get("/api/v1/fund-claims/", {"partner": world.contoso.pk}).json()["results"] == []
    assert staff.get("/api/v1/fund-claims/", {"fund_request": claimable.pk}).json()["count"] == 1
    assert staff.get("/api/v1/fund-claims/abc/").status_code == 404


def test_a_claim_of_a_missing_file_is_a_404(world, staff, claimable):
    claim = _submitted(claimable, world.northwind_rep.user, "500")
    with tenant_context(world.acme):
        proof = ClaimProof.objects.get(claim=claim)
        proof.file.storage.delete(proof.file.name)
    assert staff.get(f"/api/v1/fund-claim-proofs/{proof.pk}/download/").status_code == 404

