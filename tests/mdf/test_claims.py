"""Claims, payments and closing a request: every state change and every ceiling on the ledger."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils.formats import date_format

from mdf import claims, services
from mdf.models import Account, Claim, ClaimProof, ClaimStatus, EntryKind, FundRequest, LedgerEntry, Operation, Payment, RequestStatus
from mdf.selectors import mdf_settings_for
from prm.audit.models import AuditEvent

from .helpers import allocation, approved_request, assert_balances_are_sums, ended, funded_budget, key, pdf

D = Decimal


@pytest.fixture
def manager(world):
    return world.acme_manager.user


@pytest.fixture
def partner_user(world):
    return world.northwind_admin.user


@pytest.fixture
def claimable(acme, world, manager):
    budget = funded_budget(acme, manager, "10000")
    allocation(budget, world.northwind, manager, "3000")
    return ended(approved_request(world.northwind, manager, amount="800"))


def _submit(request, user, amount, **fields):
    return claims.claim_submit(request=request, actor=user, key=key("claim"), amount=D(amount), proofs=[pdf()], **fields)


def _balances(request):
    """(allocation: encumbered, claimed, paid, available), (request: funded, claimed, paid, available)."""
    pool, own = Account.objects.get(allocation_id=request.allocation_id), Account.objects.get(fund_request=request)
    return ((pool.encumbered, pool.claimed, pool.paid, pool.available),
            (own.funded, own.claimed, own.paid, own.available))


def _ends_on(request, day):
    """The request's activity ends on `day` (a date in the tenant's calendar)."""
    FundRequest.objects.filter(pk=request.pk).update(starts_on=day - timedelta(days=2), ends_on=day)
    request.refresh_from_db()
    return request


def _message(refused: pytest.ExceptionInfo, field: str | None = None) -> str:
    error = refused.value
    text = " ".join(error.message_dict[field]) if field else " ".join(error.messages)
    return text.replace("\xa0", " ")


def _money(amount, tenant):
    return services._shown(D(amount), tenant).replace("\xa0", " ")


def _nothing_claimed():
    assert (Claim.objects.count(), ClaimProof.objects.count()) == (0, 0)


# Submitting ------------------------------------------------------------------------------------------

def test_a_claim_before_the_activity_ended_is_refused_with_the_date_it_may_come(acme, claimable, partner_user):
    tomorrow = services._today(acme) + timedelta(days=1)
    _ends_on(claimable, tomorrow)
    with pytest.raises(ValidationError) as refused:
        _submit(claimable, partner_user, "100")
    assert date_format(tomorrow, "DATE_FORMAT") in _message(refused)
    _nothing_claimed()
    assert not Operation.objects.filter(name="claim.submit").exists()  # the key is free again
    _ends_on(claimable, services._today(acme))  # the last day of the activity is the first day to claim
    assert _submit(claimable, partner_user, "100").status == ClaimStatus.SUBMITTED
    assert_balances_are_sums()


def test_a_late_claim_is_refused_with_the_date_it_was_due(acme, claimable, partner_user):
    window = mdf_settings_for(acme).claim_days
    today = services._today(acme)
    _ends_on(claimable, today - timedelta(days=window + 1))
    with pytest.raises(ValidationError) as refused:
        _submit(claimable, partner_user, "100")
    assert date_format(today - timedelta(days=1), "DATE_FORMAT") in _message(refused)
    _nothing_claimed()
    _ends_on(claimable, today - timedelta(days=window))  # due today: still on time
    assert claims.claim_due_on(claimable) == today
    assert _submit(claimable, partner_user, "100").status == ClaimStatus.SUBMITTED
    assert_balances_are_sums()


def test_a_claim_is_refused_above_what_is_left_less_the_claims_waiting(acme, claimable, manager, partner_user):
    first = _submit(claimable, partner_user, "600")
    with pytest.raises(ValidationError) as refused:
        _submit(claimable, partner_user, "200.01")
    assert _money("200", acme) in _message(refused, "amount")
    assert Claim.objects.count() == 1 and ClaimProof.objects.count() == 1
    claims.claim_approve(claim=first, actor=manager, key=key(), amount=D("500"), reason="One receipt missing")
    # 800 approved − 500 claimed approved = 300 left, none waiting
    with pytest.raises(ValidationError):
        _submit(claimable, partner_user, "300.01")
    assert _submit(claimable, partner_user, "300").amount == D("300.00")
    assert _balances(claimable) == ((D("300.00"), D("500.00"), D("0.00"), D("2200.00")),
                                    (D("800.00"), D("500.00"), D("0.00"), D("300.00")))
    assert_balances_are_sums()


def test_a_claim_needs_an_approved_request_and_a_positive_amount(acme, world, manager, partner_user, claimable):
    for amount in ("0", "-5"):
        with pytest.raises(ValidationError) as refused:
            _submit(claimable, partner_user, amount)
        assert "amount" in refused.value.message_dict
    waiting = ended(approved_request(world.northwind, manager, amount="100"))
    services.fund_request_cancel(request=waiting, actor=manager, key=key())
    with pytest.raises(ValidationError):
        _submit(waiting, partner_user, "10")
    _nothing_claimed()


# Approving -------------------------------------------------------------------------------------------

def test_a_claim_is_never_approved_above_what_was_claimed(acme, claimable, manager, partner_user):
    claim = _submit(claimable, partner_user, "400")
    with pytest.raises(ValidationError) as refused:
        claims.claim_approve(claim=claim, actor=manager, key=key(), amount=D("400.01"))
    assert _money("400", acme) in _message(refused, "amount")
    claim.refresh_from_db()
    assert (claim.status, claim.approved_amount) == (ClaimStatus.SUBMITTED, None)
    assert not LedgerEntry.objects.filter(kind=EntryKind.CLAIM_APPROVED).exists()
    assert_balances_are_sums()


def test_approving_less_than_claimed_needs_a_reason_the_partner_reads(claimable, manager, partner_user):
    claim = _submit(claimable, partner_user, "400")
    for reason in ("", "   "):
        with pytest.raises(ValidationError) as refused:
            claims.claim_approve(claim=claim, actor=manager, key=key(), amount=D("350"), reason=reason)
        assert list(refused.value.message_dict) == ["reason"]
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    approved = claims.claim_approve(claim=claim, actor=manager, key=key(), amount=D("350"), reason=" No receipt for parking ")
    approved.refresh_from_db()
    assert (approved.status, approved.approved_amount, approved.reason, approved.decided_by) == (
        ClaimStatus.APPROVED, D("350.00"), "No receipt for parking", manager)
    assert approved.decided_at is not None
    assert _balances(claimable) == ((D("450.00"), D("350.00"), D("0.00"), D("2200.00")),
                                    (D("800.00"), D("350.00"), D("0.00"), D("450.00")))
    assert_balances_are_sums()


def test_approving_all_that_was_claimed_needs_no_reason(claimable, manager, partner_user):
    claim = claims.claim_approve(claim=_submit(claimable, partner_user, "250"), actor=manager, key=key())
    assert (claim.status, claim.approved_amount, claim.reason) == (ClaimStatus.APPROVED, D("250.00"), "")
    assert_balances_are_sums()


def test_a_claim_is_never_approved_above_what_is_left_of_the_request(acme, world, claimable, manager):
    # Submitting already keeps claims within what is left; a claim row made past it (by hand, an old
    # import) still cannot be approved beyond the request.
    claim = Claim.objects.create(tenant=acme, fund_request=claimable, partner=world.northwind, amount=D("900"),
                                 currency=claimable.currency)
    with pytest.raises(ValidationError) as refused:
        claims.claim_approve(claim=claim, actor=manager, key=key())
    assert _money("800", acme) in _message(refused, "amount")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    claims.claim_approve(claim=claim, actor=manager, key=key(), amount=D("800"), reason="Capped at the approval")
    claimable.refresh_from_db()
    assert claimable.status == RequestStatus.CLOSED  # used up
    assert_balances_are_sums()


def test_a_final_claim_closes_the_request_and_releases_the_rest(claimable, manager, partner_user):
    claim = _submit(claimable, partner_user, "300", is_final=True)
    claims.claim_approve(claim=claim, actor=manager, key=key())
    claimable.refresh_from_db()
    assert claimable.status == RequestStatus.CLOSED
    assert _balances(claimable) == ((D("0.00"), D("300.00"), D("0.00"), D("2700.00")),
                                    (D("300.00"), D("300.00"), D("0.00"), D("0.00")))
    released = LedgerEntry.objects.filter(kind=EntryKind.RELEASED).order_by("pk")
    assert sorted(e.amount for e in released) == [D("-500.00"), D("-500.00")]
    assert AuditEvent.objects.filter(verb="fund_request.closed", target_id=str(claimable.pk),
                                     from_state=RequestStatus.APPROVED, to_state=RequestStatus.CLOSED).count() == 1
    with pytest.raises(ValidationError):  # closed: no more claims
        _submit(claimable, partner_user, "10")
    assert_balances_are_sums()


def test_the_claim_that_uses_the_request_up_closes_it_with_nothing_to_release(claimable, manager, partner_user):
    first = claims.claim_approve(claim=_submit(claimable, partner_user, "500"), actor=manager, key=key())
    claimable.refresh_from_db()
    assert (first.status, claimable.status) == (ClaimStatus.APPROVED, RequestStatus.APPROVED)
    claims.claim_approve(claim=_submit(claimable, partner_user, "300"), actor=manager, key=key())
    claimable.refresh_from_db()
    assert claimable.status == RequestStatus.CLOSED
    assert not LedgerEntry.objects.filter(kind=EntryKind.RELEASED).exists()
    assert _balances(claimable) == ((D("0.00"), D("800.00"), D("0.00"), D("2200.00")),
                                    (D("800.00"), D("800.00"), D("0.00"), D("0.00")))
    assert_balances_are_sums()


@pytest.mark.parametrize(("decide", "claimed"), [
    (lambda claim, manager, partner: claims.claim_approve(claim=claim, actor=manager, key=key()), D("400.00")),
    (lambda claim, manager, partner: claims.claim_reject(claim=claim, actor=manager, key=key(), reason="Duplicate"),
     D("300.00")),
    (lambda claim, manager, partner: claims.claim_withdraw(claim=claim, actor=partner, key=key()), D("300.00")),
], ids=["approved", "rejected", "withdrawn"])
def test_a_final_claim_approved_while_another_waits_closes_once_that_one_is_decided(
        claimable, manager, partner_user, decide, claimed):
    other = _submit(claimable, partner_user, "100")
    final = _submit(claimable, partner_user, "300", is_final=True)
    claims.claim_approve(claim=final, actor=manager, key=key())
    claimable.refresh_from_db()
    assert claimable.status == RequestStatus.APPROVED  # closing now would strand the waiting claim
    decide(other, manager, partner_user)
    claimable.refresh_from_db()
    assert claimable.status == RequestStatus.CLOSED
    assert _balances(claimable) == ((D("0.00"), claimed, D("0.00"), D("3000.00") - claimed),
                                    (claimed, claimed, D("0.00"), D("0.00")))
    assert AuditEvent.objects.filter(verb="fund_request.closed", target_id=str(claimable.pk)).count() == 1
    assert_balances_are_sums()


def test_rejecting_a_claim_leaves_a_request_without_a_final_claim_open(claimable, manager, partner_user):
    claims.claim_approve(claim=_submit(claimable, partner_user, "300"), actor=manager, key=key())
    claims.claim_reject(claim=_submit(claimable, partner_user, "100"), actor=manager, key=key(), reason="No proof")
    claimable.refresh_from_db()
    assert claimable.status == RequestStatus.APPROVED
    assert _balances(claimable)[1] == (D("800.00"), D("300.00"), D("0.00"), D("500.00"))
    assert_balances_are_sums()


def test_a_long_idempotency_key_still_closes_the_request(claimable, manager, partner_user):
    claim = _submit(claimable, partner_user, "300", is_final=True)
    long_key = "k" * 200  # the longest key a write accepts; the release it causes needs a key of its own
    claims.claim_approve(claim=claim, actor=manager, key=long_key)
    claimable.refresh_from_db()
    assert claimable.status == RequestStatus.CLOSED
    again = claims.claim_approve(claim=claim, actor=manager, key=long_key)
    assert again.pk == claim.pk
    assert LedgerEntry.objects.filter(kind=EntryKind.RELEASED).count() == 2
    assert_balances_are_sums()


# Rejecting and withdrawing ---------------------------------------------------------------------------

def test_reject_and_withdraw_only_from_submitted(claimable, manager, partner_user):
    claim = _submit(claimable, partner_user, "800")
    with pytest.raises(ValidationError) as refused:
        claims.claim_reject(claim=claim, actor=manager, key=key(), reason=" ")
    assert list(refused.value.message_dict) == ["reason"]
    rejected = claims.claim_reject(claim=claim, actor=manager, key=key(), reason="The invoice is for another event")
    assert (rejected.status, rejected.reason, rejected.decided_by) == (
        ClaimStatus.REJECTED, "The invoice is for another event", manager)
    for move in (lambda c: claims.claim_reject(claim=c, actor=manager, key=key(), reason="again"),
                 lambda c: claims.claim_withdraw(claim=c, actor=partner_user, key=key()),
                 lambda c: claims.claim_approve(claim=c, actor=manager, key=key()),
                 lambda c: claims.payment_record(claim=c, actor=manager, key=key())):
        with pytest.raises(ValidationError):
            move(rejected)
    rejected.refresh_from_db()
    assert rejected.status == ClaimStatus.REJECTED
    # A rejected claim takes nothing: the partner claims the whole amount again, then takes it back.
    second = _submit(claimable, partner_user, "800")
    withdrawn = claims.claim_withdraw(claim=second, actor=partner_user, key=key())
    assert (withdrawn.status, withdrawn.reason, withdrawn.decided_by) == (
        ClaimStatus.WITHDRAWN, "Withdrawn by the partner.", None)
    with pytest.raises(ValidationError):
        claims.claim_withdraw(claim=withdrawn, actor=partner_user, key=key())
    # An approved claim can be neither rejected nor withdrawn.
    third = claims.claim_approve(claim=_submit(claimable, partner_user, "100"), actor=manager, key=key())
    for move in (lambda: claims.claim_reject(claim=third, actor=manager, key=key(), reason="late"),
                 lambda: claims.claim_withdraw(claim=third, actor=partner_user, key=key())):
        with pytest.raises(ValidationError):
            move()
    third.refresh_from_db()
    assert third.status == ClaimStatus.APPROVED
    assert not LedgerEntry.objects.filter(source=f"mdf.claim:{claim.pk}").exists()
    assert _balances(claimable)[1] == (D("800.00"), D("100.00"), D("0.00"), D("700.00"))
    assert_balances_are_sums()


# Payments --------------------------------------------------------------------------------------------

def test_payments_partial_then_the_rest_and_never_above_what_is_unpaid(acme, claimable, manager, partner_user):
    claim = claims.claim_approve(claim=_submit(claimable, partner_user, "450"), actor=manager, key=key())
    first = claims.payment_record(claim=claim, actor=manager, key=key(), amount=D("100"), reference="PAY-1")
    claim.refresh_from_db()
    assert (first.amount, first.paid_on, first.method) == (D("100.00"), services._today(acme), "transfer")
    assert (claim.status, claim.paid_amount, claim.unpaid) == (ClaimStatus.APPROVED, D("100.00"), D("350.00"))
    assert _balances(claimable) == ((D("350.00"), D("350.00"), D("100.00"), D("2200.00")),
                                    (D("800.00"), D("350.00"), D("100.00"), D("350.00")))
    assert_balances_are_sums()
    with pytest.raises(ValidationError) as refused:
        claims.payment_record(claim=claim, actor=manager, key=key(), amount=D("350.01"))
    assert _money("350", acme) in _message(refused, "amount")
    with pytest.raises(ValidationError) as refused:
        claims.payment_record(claim=claim, actor=manager, key=key(), amount=D("10"),
                              paid_on=services._today(acme) + timedelta(days=1))
    assert list(refused.value.message_dict) == ["paid_on"]
    assert Payment.objects.count() == 1
    yesterday = services._today(acme) - timedelta(days=1)
    rest = claims.payment_record(claim=claim, actor=manager, key=key(), paid_on=yesterday, method="cheque")
    claim.refresh_from_db()
    assert (rest.amount, rest.paid_on, rest.method) == (D("350.00"), yesterday, "cheque")
    assert (claim.status, claim.paid_amount, claim.unpaid) == (ClaimStatus.PAID, D("450.00"), D("0.00"))
    assert _balances(claimable) == ((D("350.00"), D("0.00"), D("450.00"), D("2200.00")),
                                    (D("800.00"), D("0.00"), D("450.00"), D("350.00")))
    with pytest.raises(ValidationError):  # paid in full
        claims.payment_record(claim=claim, actor=manager, key=key(), amount=D("0.01"))
    assert Payment.objects.count() == 2
    assert_balances_are_sums()


def test_the_default_payment_is_all_that_is_unpaid(claimable, manager, partner_user):
    claim = claims.claim_approve(claim=_submit(claimable, partner_user, "450"), actor=manager, key=key(),
                                 amount=D("400"), reason="Over the hotel rate")
    payment = claims.payment_record(claim=claim, actor=manager, key=key())
    claim.refresh_from_db()
    assert (payment.amount, claim.status) == (D("400.00"), ClaimStatus.PAID)
    assert_balances_are_sums()


def test_a_submitted_claim_cannot_be_paid(claimable, manager, partner_user):
    claim = _submit(claimable, partner_user, "450")
    with pytest.raises(ValidationError):
        claims.payment_record(claim=claim, actor=manager, key=key(), amount=D("10"))
    assert not Payment.objects.exists()
    assert_balances_are_sums()


# Closing and cancelling ------------------------------------------------------------------------------

def test_closing_is_refused_while_a_claim_waits_then_releases_the_rest(claimable, manager, partner_user):
    claim = _submit(claimable, partner_user, "300")
    with pytest.raises(ValidationError):
        claims.fund_request_close(request=claimable, actor=manager, key=key(), reason="Season over")
    claimable.refresh_from_db()
    assert claimable.status == RequestStatus.APPROVED
    with pytest.raises(ValidationError) as refused:
        claims.fund_request_close(request=claimable, actor=manager, key=key(), reason="  ")
    assert list(refused.value.message_dict) == ["reason"]
    claims.claim_approve(claim=claim, actor=manager, key=key())
    closed = claims.fund_request_close(request=claimable, actor=manager, key="close-1", reason="Season over")
    assert (closed.status, closed.reason) == (RequestStatus.CLOSED, "Season over")
    assert _balances(claimable) == ((D("0.00"), D("300.00"), D("0.00"), D("2700.00")),
                                    (D("300.00"), D("300.00"), D("0.00"), D("0.00")))
    again = claims.fund_request_close(request=claimable, actor=manager, key="close-1", reason="Season over")
    assert again.pk == closed.pk and LedgerEntry.objects.filter(kind=EntryKind.RELEASED).count() == 2
    with pytest.raises(ValidationError):
        claims.fund_request_close(request=claimable, actor=manager, key=key(), reason="Twice")
    # The approved claim is still paid after the request closed.
    claims.payment_record(claim=claim, actor=manager, key=key())
    assert _balances(claimable) == ((D("0.00"), D("0.00"), D("300.00"), D("2700.00")),
                                    (D("300.00"), D("0.00"), D("300.00"), D("0.00")))
    assert_balances_are_sums()


def test_cancelling_an_approved_request_with_claims_is_refused(claimable, manager, partner_user):
    claim = _submit(claimable, partner_user, "300")
    with pytest.raises(ValidationError):
        services.fund_request_cancel(request=claimable, actor=manager, key=key())
    claims.claim_approve(claim=claim, actor=manager, key=key())
    with pytest.raises(ValidationError):
        services.fund_request_cancel(request=claimable, actor=manager, key=key())
    claimable.refresh_from_db()
    assert claimable.status == RequestStatus.APPROVED
    assert _balances(claimable)[1] == (D("800.00"), D("300.00"), D("0.00"), D("500.00"))
    assert_balances_are_sums()


def test_cancelling_after_only_rejected_or_withdrawn_claims_releases_all(claimable, manager, partner_user):
    claims.claim_reject(claim=_submit(claimable, partner_user, "300"), actor=manager, key=key(), reason="No proof")
    claims.claim_withdraw(claim=_submit(claimable, partner_user, "200"), actor=partner_user, key=key())
    cancelled = services.fund_request_cancel(request=claimable, actor=manager, key=key())
    assert cancelled.status == RequestStatus.CANCELLED
    assert _balances(claimable) == ((D("0.00"), D("0.00"), D("0.00"), D("3000.00")),
                                    (D("0.00"), D("0.00"), D("0.00"), D("0.00")))
    assert_balances_are_sums()


# Who decides -----------------------------------------------------------------------------------------

def test_partner_users_cannot_approve_reject_or_pay(world, claimable, manager, partner_user):
    claim = _submit(claimable, partner_user, "300")
    for user in (world.northwind_admin.user, world.northwind_rep.user):
        for move in (lambda u: claims.claim_approve(claim=claim, actor=u, key=key()),
                     lambda u: claims.claim_reject(claim=claim, actor=u, key=key(), reason="no")):
            with pytest.raises(ValidationError):
                move(user)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    claims.claim_approve(claim=claim, actor=world.acme_admin.user, key=key())
    with pytest.raises(ValidationError):
        claims.payment_record(claim=claim, actor=world.northwind_admin.user, key=key())
    claim.refresh_from_db()
    assert (claim.status, claim.paid_amount, Payment.objects.count()) == (ClaimStatus.APPROVED, D("0.00"), 0)
    assert not Operation.objects.filter(name__in=["claim.reject", "claim.pay"]).exists()
    claims.payment_record(claim=claim, actor=manager, key=key())
    assert_balances_are_sums()


# Idempotency and the audit trail ---------------------------------------------------------------------

def test_replays_return_the_first_result_and_post_once(claimable, manager, partner_user):
    submit = {"request": claimable, "actor": partner_user, "key": "claim-1", "amount": D("500"), "proofs": [pdf()]}
    claim = claims.claim_submit(**submit)
    assert claims.claim_submit(**submit).pk == claim.pk
    assert (Claim.objects.count(), ClaimProof.objects.count()) == (1, 1)

    claims.claim_approve(claim=claim, actor=manager, key="approve-1", amount=D("450"), reason="One quote")
    entries = LedgerEntry.objects.count()
    again = claims.claim_approve(claim=claim, actor=manager, key="approve-1", amount=D("450"), reason="One quote")
    assert (again.pk, again.approved_amount, LedgerEntry.objects.count()) == (claim.pk, D("450.00"), entries)

    payment = claims.payment_record(claim=claim, actor=manager, key="pay-1", amount=D("200"))
    entries = LedgerEntry.objects.count()
    replayed = claims.payment_record(claim=claim, actor=manager, key="pay-1", amount=D("200"))
    assert (replayed.pk, Payment.objects.count(), LedgerEntry.objects.count()) == (payment.pk, 1, entries)
    claim.refresh_from_db()
    assert claim.paid_amount == D("200.00")

    with pytest.raises(ValidationError) as refused:  # one key, another write
        claims.payment_record(claim=claim, actor=manager, key="approve-1")
    assert "idempotency_key" in refused.value.message_dict
    assert Payment.objects.count() == 1
    assert _balances(claimable)[1] == (D("800.00"), D("250.00"), D("200.00"), D("350.00"))
    assert_balances_are_sums()


def test_every_move_of_a_claim_is_audited(claimable, manager, partner_user):
    claim = _submit(claimable, partner_user, "500", is_final=True, leads=12, attendees=80, results="Two deals")
    claims.claim_approve(claim=claim, actor=manager, key=key(), amount=D("450"), reason="One quote")
    claims.payment_record(claim=claim, actor=manager, key=key(), amount=D("150"))
    claims.payment_record(claim=claim, actor=manager, key=key())
    rejected = claims.claim_reject(claim=Claim.objects.create(
        tenant=claimable.tenant, fund_request=claimable, partner=claimable.partner, amount=D("1"), currency="USD"),
        actor=manager, key=key(), reason="Closed already")
    events = list(AuditEvent.objects.filter(target_type="mdf.claim", target_id=str(claim.pk)).order_by("pk")
                  .values_list("verb", "from_state", "to_state", "actor"))
    assert events == [
        ("fund_claim.submitted", "", "submitted", partner_user.pk),
        ("fund_claim.approved", "submitted", "approved", manager.pk),
        ("fund_claim.paid", "approved", "approved", manager.pk),
        ("fund_claim.paid", "approved", "paid", manager.pk),
    ]
    approved = AuditEvent.objects.get(target_type="mdf.claim", target_id=str(claim.pk), verb="fund_claim.approved")
    assert approved.data == {"amount": "450.00"}
    assert AuditEvent.objects.filter(target_type="mdf.claim", target_id=str(rejected.pk),
                                     verb="fund_claim.rejected", data={"reason": "Closed already"}).count() == 1
    assert AuditEvent.objects.filter(target_type="mdf.fundrequest", target_id=str(claimable.pk),
                                     verb="fund_request.closed").count() == 1
    assert_balances_are_sums()


def test_no_claim_follows_a_last_claim_waiting_for_a_decision(claimable, manager, partner_user):
    _submit(claimable, partner_user, "300", is_final=True)
    with pytest.raises(ValidationError) as refused:
        _submit(claimable, partner_user, "100")
    assert "waits for a decision" in str(refused.value)
    assert claimable.claims.count() == 1


def test_partner_users_cannot_close_a_request(world, claimable):
    for user in (world.northwind_admin.user, world.northwind_rep.user):
        with pytest.raises(ValidationError):
            claims.fund_request_close(request=claimable, actor=user, key=key(), reason="Done")
    claimable.refresh_from_db()
    assert claimable.status == RequestStatus.APPROVED
