"""The emails of fund requests and claims: the deciders hear what waits for them, the partner hears every
decision and payment, each person in one message of their own; a replayed write sends nothing again."""

from decimal import Decimal

import pytest

from mdf import claims, services
from prm.outbox.models import OutboundEmail
from prm.tenancy.context import tenant_context

from .helpers import allocation, approved_request, ended, funded_budget, key, pdf, submitted_request

D = Decimal
STAFF = [["manager@acme.example"]]
NORTHWIND = [["admin@northwind.example"], ["rep@northwind.example"]]  # its admin, and the rep who wrote the request


@pytest.fixture
def funds(world):
    with tenant_context(world.acme):
        allocation(funded_budget(world.acme, world.acme_admin.user, "10000"), world.northwind, world.acme_admin.user, "5000")
        yield


def sent(kind):
    return list(OutboundEmail.objects.filter(kind=f"mdf/email/{kind}").order_by("pk"))


def test_a_submitted_request_tells_the_managers_and_its_approval_for_less_tells_the_partner(world, funds):
    request = submitted_request(world.northwind, world.northwind_rep.user, title="Spring roadshow")
    [mail] = sent("request_submitted")
    assert mail.to == ["manager@acme.example"] and "Northwind Traders" in mail.subject
    assert "asks for $1,000.00 of the $2,000.00" in mail.body_text and f"/manage/mdf/requests/{request.pk}/" in mail.body_text
    key_ = key()
    services.fund_request_approve(request=request, actor=world.acme_manager.user, key=key_, amount=D("800"))
    services.fund_request_approve(request=request, actor=world.acme_manager.user, key=key_, amount=D("800"))  # a replay
    mails = sent("request_approved")
    assert [m.to for m in mails] == NORTHWIND
    assert mails[0].subject == "Approved: $800.00 for “Spring roadshow”"
    assert "You asked for $1,000.00." in mails[0].body_text and f"/portal/funds/{request.pk}/" in mails[0].body_text


def test_a_rejection_and_a_question_reach_the_partner_with_their_words(world, funds):
    first = submitted_request(world.northwind, world.northwind_rep.user, title="Golf day")
    services.fund_request_reject(request=first, actor=world.acme_manager.user, key=key(), reason="Not a fit for our buyers")
    [admin, rep] = sent("request_rejected")
    assert [admin.to, rep.to] == NORTHWIND and "Not a fit for our buyers" in admin.body_text
    second = submitted_request(world.northwind, world.northwind_admin.user, title="Webinar")
    services.fund_request_more_info(request=second, actor=world.acme_manager.user, key=key(), question="Which product?")
    [asked] = sent("request_more_info")  # the admin wrote it: one message
    assert asked.to == ["admin@northwind.example"] and "Which product?" in asked.body_text
    services.fund_request_answer(request=second, actor=world.northwind_admin.user, key=key(), answer="Firewalls")
    [answered] = sent("request_answered")
    assert answered.to == ["manager@acme.example"] and "Firewalls" in answered.body_text


def test_claims_tell_the_managers_and_each_decision_and_payment_tells_the_partner(world, funds):
    manager = world.acme_manager.user
    request = ended(approved_request(world.northwind, world.acme_admin.user, amount="900", title="Summit"))
    OutboundEmail.objects.all().delete()
    claim = claims.claim_submit(request=request, actor=world.northwind_rep.user, key=key(), amount=D("500"), proofs=[pdf()])
    [review] = sent("claim_submitted")
    assert [review.to] == STAFF and "claims $500.00 for “Summit” (approved: $900.00)" in review.body_text
    claims.claim_reject(claim=claim, actor=manager, key=key(), reason="The invoice is unreadable")
    assert [m.to for m in sent("claim_rejected")] == NORTHWIND
    assert "The invoice is unreadable" in sent("claim_rejected")[0].body_text

    again = claims.claim_submit(request=request, actor=world.northwind_rep.user, key=key(), amount=D("500"), proofs=[pdf()])
    approved = claims.claim_approve(claim=again, actor=manager, key=key(), amount=D("450"), reason="Catering is not covered")
    mail = sent("claim_approved")[0]
    assert mail.subject == "Claim approved: $450.00 for “Summit”"
    assert "You claimed $500.00. The reason:\nCatering is not covered" in mail.body_text
    claims.payment_record(claim=approved, actor=manager, key=key(), method="transfer", reference="ACME-42")
    [paid, _rep] = sent("payment_recorded")
    assert paid.subject == "Paid: $450.00 for “Summit”" and "Reference: ACME-42" in paid.body_text
    assert "(Bank transfer)" in paid.body_text

