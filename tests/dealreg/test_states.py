"""The deal lifecycle: every legal edge, a representative set of illegal ones, and the audit trail.

draft → submitted → more_info → submitted → approved → won | lost | expired; submitted → rejected;
draft / submitted / more_info → withdrawn.
"""

import pytest
from django.core.exceptions import ValidationError

from dealreg import services
from dealreg.models import Deal, DealStatus
from dealreg.states import TRANSITIONS, allowed_actions, illegal_message
from prm.api.principal import ApiKeyUser
from prm.api.services import api_key_create

from .helpers import events, make_deal, refresh

S = DealStatus


def test_transition_table_is_the_documented_lifecycle():
    edges = {action: (set(sources), target) for action, (sources, target, _) in TRANSITIONS.items()}
    assert edges == {
        "submit": ({S.DRAFT, S.MORE_INFO}, S.SUBMITTED),
        "approve": ({S.SUBMITTED}, S.APPROVED),
        "reject": ({S.SUBMITTED, S.MORE_INFO}, S.REJECTED),
        "request_info": ({S.SUBMITTED}, S.MORE_INFO),
        "withdraw": ({S.DRAFT, S.SUBMITTED, S.MORE_INFO}, S.WITHDRAWN),
        "win": ({S.APPROVED}, S.WON),
        "lose": ({S.APPROVED}, S.LOST),
        "expire": ({S.APPROVED}, S.EXPIRED),
    }


@pytest.mark.parametrize(("status", "actions"), [
    (S.DRAFT, ["submit", "withdraw"]),
    (S.SUBMITTED, ["approve", "reject", "request_info", "withdraw"]),
    (S.MORE_INFO, ["submit", "reject", "withdraw"]),
    (S.APPROVED, ["win", "lose", "expire"]),
    (S.REJECTED, []), (S.WITHDRAWN, []), (S.WON, []), (S.LOST, []), (S.EXPIRED, []),
])
def test_allowed_actions(status, actions):
    assert allowed_actions(status) == actions


def test_illegal_message_names_the_current_state_and_the_allowed_ones():
    assert illegal_message("approve", S.DRAFT) == "A draft deal cannot be approved; only a deal that is submitted can."
    assert illegal_message("submit", S.WON) == (
        "A won deal cannot be submitted; only a deal that is draft or more info requested can."
    )


def _trail(deal):
    return [(e.verb, e.from_state, e.to_state, e.actor, e.actor_label) for e in events(deal)]


def test_full_lifecycle_with_a_question_writes_an_audit_row_per_step(acme, staff, rep):
    w = acme
    deal = make_deal(w.northwind, by=rep)
    assert deal.status == S.DRAFT
    services.deal_submit(deal=deal, actor=rep)
    services.deal_request_info(deal=refresh(deal), actor=staff, question="Which site is this for?")
    assert (refresh(deal).decision_note, refresh(deal).info_question) == ("Which site is this for?",) * 2
    services.deal_update(deal=refresh(deal), actor=rep, answer="Headquarters in Zurich.")
    services.deal_submit(deal=refresh(deal), actor=rep)
    services.deal_approve(deal=refresh(deal), actor=staff)
    services.deal_mark_won(deal=refresh(deal), actor=rep)

    final = refresh(deal)
    assert final.status == S.WON
    assert final.closed_at is not None and final.decided_by == staff
    assert _trail(deal) == [
        ("deal.created", "", "draft", rep, ""),
        ("deal.submit", "draft", "submitted", rep, ""),
        ("deal.request_info", "submitted", "more_info", staff, ""),
        ("deal.updated", "more_info", "more_info", rep, ""),
        ("deal.info_provided", "more_info", "more_info", rep, ""),
        ("deal.submit", "more_info", "submitted", rep, ""),
        ("deal.approve", "submitted", "approved", staff, ""),
        ("deal.win", "approved", "won", rep, ""),
    ]
    assert events(deal, "deal.request_info")[0].data == {"note": "Which site is this for?"}
    assert events(deal, "deal.updated")[0].data == {"fields": ["info_answer"]}
    assert events(deal, "deal.info_provided")[0].data == {"question": "Which site is this for?",
                                                          "answer": "Headquarters in Zurich."}


@pytest.mark.parametrize(("action", "target"), [
    (services.deal_mark_won, S.WON),
    (services.deal_mark_lost, S.LOST),
])
def test_approved_deal_is_won_or_lost(acme, staff, rep, action, target):
    deal = make_deal(acme.northwind, by=rep, status="approved", staff=staff)
    action(deal=deal, actor=rep)
    deal = refresh(deal)
    assert deal.status == target
    assert deal.closed_at is not None
    last = events(deal)[-1]
    assert (last.from_state, last.to_state, last.actor) == ("approved", target, rep)


def test_approved_deal_expires_by_the_rule(acme, staff, rep):
    deal = make_deal(acme.northwind, by=rep, status="expired", staff=staff)
    assert refresh(deal).status == S.EXPIRED
    last = events(deal)[-1]
    assert (last.verb, last.from_state, last.to_state) == ("deal.expire", "approved", "expired")
    assert (last.actor, last.actor_label) == (None, "Protection period ended")


def test_expire_refuses_a_deal_still_protected(acme, staff, rep):
    deal = make_deal(acme.northwind, by=rep, status="approved", staff=staff)
    with pytest.raises(ValidationError, match="still protected"):
        services.deal_expire(deal=deal)
    assert refresh(deal).status == S.APPROVED


@pytest.mark.parametrize("start", ["submitted", "more_info"])
def test_reject(acme, staff, rep, start):
    deal = make_deal(acme.northwind, by=rep, status=start, staff=staff)
    services.deal_reject(deal=deal, actor=staff, reason="  Customer already buys direct.  ")
    deal = refresh(deal)
    assert deal.status == S.REJECTED
    assert deal.decision_note == "Customer already buys direct."
    assert (deal.decided_by, deal.decided_by_rule) == (staff, "")
    assert deal.decided_at is not None and deal.protected_until is None
    last = events(deal)[-1]
    assert (last.verb, last.from_state, last.to_state, last.actor) == ("deal.reject", start, "rejected", staff)


@pytest.mark.parametrize("start", ["draft", "submitted", "more_info"])
def test_withdraw(acme, staff, rep, start):
    deal = make_deal(acme.northwind, by=rep, status=start, staff=staff)
    services.deal_withdraw(deal=deal, actor=rep)
    assert refresh(deal).status == S.WITHDRAWN
    last = events(deal)[-1]
    assert (last.verb, last.from_state, last.to_state, last.actor) == ("deal.withdraw", start, "withdrawn", rep)


def test_transition_by_api_key_is_audited_with_the_key(acme, rep):
    key, _ = api_key_create(tenant=acme.acme, actor=acme.acme_admin.user, name="CRM sync")
    deal = make_deal(acme.northwind, by=rep, status="submitted")
    services.deal_approve(deal=deal, actor=ApiKeyUser(key))
    deal = refresh(deal)
    assert (deal.status, deal.decided_by, deal.decided_by_rule) == (S.APPROVED, None, "")
    last = events(deal)[-1]
    assert last.actor is None
    assert "CRM sync" in last.actor_label


ILLEGAL = [
    # (state the deal is in, service, extra kwargs, past-tense word in the message)
    ("draft", services.deal_approve, {}, "approved"),
    ("draft", services.deal_reject, {"reason": "No."}, "rejected"),
    ("draft", services.deal_request_info, {"question": "Why?"}, "sent back for more information"),
    ("draft", services.deal_mark_won, {}, "marked won"),
    ("submitted", services.deal_submit, {}, "submitted"),
    ("submitted", services.deal_mark_won, {}, "marked won"),
    ("submitted", services.deal_mark_lost, {}, "marked lost"),
    ("more_info", services.deal_approve, {}, "approved"),
    ("more_info", services.deal_request_info, {"question": "Again?"}, "sent back for more information"),
    ("approved", services.deal_withdraw, {}, "withdrawn"),
    ("approved", services.deal_approve, {}, "approved"),
    ("approved", services.deal_reject, {"reason": "Changed my mind."}, "rejected"),
    ("approved", services.deal_submit, {}, "submitted"),
    ("rejected", services.deal_submit, {}, "submitted"),
    ("rejected", services.deal_approve, {}, "approved"),
    ("withdrawn", services.deal_submit, {}, "submitted"),
    ("won", services.deal_mark_lost, {}, "marked lost"),
    ("won", services.deal_withdraw, {}, "withdrawn"),
    ("lost", services.deal_mark_won, {}, "marked won"),
    ("expired", services.deal_mark_won, {}, "marked won"),
    ("expired", services.deal_approve, {}, "approved"),
]


@pytest.mark.parametrize(("start", "service", "kwargs", "verb"), ILLEGAL,
                         ids=[f"{s}-{f.__name__}" for s, f, _, _ in ILLEGAL])
def test_illegal_transition_is_refused_naming_the_current_state(acme, staff, rep, start, service, kwargs, verb):
    deal = make_deal(acme.northwind, by=rep, status=start, staff=staff)
    before = len(events(deal))
    label = S(start).label.lower()
    with pytest.raises(ValidationError) as caught:
        service(deal=refresh(deal), actor=staff, **kwargs)
    message = " ".join(caught.value.messages)
    assert f"{label} deal cannot be {verb}" in message
    assert refresh(deal).status == start
    assert len(events(deal)) == before  # a refused move leaves no trace


def test_refusal_names_the_state_in_the_database_not_the_stale_object(acme, staff, rep):
    deal = make_deal(acme.northwind, by=rep, status="submitted")
    stale = refresh(deal)
    services.deal_approve(deal=deal, actor=staff)
    assert stale.status == S.SUBMITTED
    with pytest.raises(ValidationError, match="approved deal cannot be withdrawn"):
        services.deal_withdraw(deal=stale, actor=rep)
    assert refresh(deal).status == S.APPROVED


@pytest.mark.parametrize("start", ["submitted", "approved", "rejected", "won", "withdrawn"])
def test_only_draft_and_more_info_deals_can_be_edited(acme, staff, rep, start):
    deal = make_deal(acme.northwind, by=rep, status=start, staff=staff, customer_name="Tailspin Toys")
    label = S(start).label.lower()
    with pytest.raises(ValidationError, match=f"{label} deal cannot be edited"):
        services.deal_update(deal=deal, actor=rep, customer_name="Someone Else")
    assert Deal.unscoped.get(pk=deal.pk).customer_name == "Tailspin Toys"
    assert events(deal, "deal.updated") == []


@pytest.mark.parametrize("start", ["draft", "more_info"])
def test_editable_deals_are_updated_and_their_keys_recomputed(acme, staff, rep, start):
    deal = make_deal(acme.northwind, by=rep, status=start, staff=staff)
    services.deal_update(deal=deal, actor=rep, customer_name="The Coca-Cola Company",
                         customer_website="https://www.coca-cola.example/", contact_email="ann@Sales.Coke.example")
    deal = refresh(deal)
    assert (deal.status, deal.customer_name_normalized, deal.customer_domain, deal.contact_email_domain) == (
        start, "coca cola", "coca-cola.example", "sales.coke.example",
    )
    event = events(deal, "deal.updated")[0]
    assert event.data == {"fields": ["contact_email", "customer_name", "customer_website"]}
    assert (event.from_state, event.to_state, event.actor) == (start, start, rep)


def test_double_click_cannot_move_twice(acme, staff, rep):
    """The conditional update is the claim: a second approval of the same deal is refused."""
    deal = make_deal(acme.northwind, by=rep, status="submitted")
    services.deal_approve(deal=deal, actor=staff)
    with pytest.raises(ValidationError, match="approved deal cannot be approved"):
        services.deal_approve(deal=deal, actor=staff)
    assert len(events(deal, "deal.approve")) == 1
