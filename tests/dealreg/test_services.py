"""Rules of engagement applied by the deal services: minimum value, approval clock, protection,
extensions, first-approved-wins, automatic approval, bulk approval and required texts."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dealreg import services
from dealreg.approval import approval_refusal, queue_approval_refusal
from dealreg.models import Deal, DealStatus, ProductLine
from dealreg.rules import rules_for
from partners.models import PartnerStatus
from partners.services import partner_deactivate
from partners.tiers.models import Tier
from prm.audit.models import AuditEvent
from prm.business_hours import add_business_hours, business_hours_between
from prm.outbox.models import OutboundEmail
from prm.tenancy.context import rls_bypass
from tests.factories import PartnerFactory, tier_named

from .helpers import deal_fields, end_protection, events, make_deal, outbox, recipients, refresh, set_rules

S = DealStatus
UTC = UTC


# --- minimum value ---------------------------------------------------------------------------------

def test_value_below_the_minimum_is_refused_on_the_value_field(acme, rep):
    set_rules(acme.acme, minimum_value=Decimal("10000"))
    deal = make_deal(acme.northwind, by=rep, value=Decimal("9999.99"))  # drafts are not checked
    with pytest.raises(ValidationError) as caught:
        services.deal_submit(deal=deal, actor=rep)
    assert caught.value.message_dict == {"value": ["Deals under $10,000 are not registered in this program."]}
    assert refresh(deal).status == S.DRAFT
    assert events(deal, "deal.submit") == []


def test_value_at_the_minimum_is_accepted(acme, rep):
    set_rules(acme.acme, minimum_value=Decimal("10000"))
    deal = make_deal(acme.northwind, by=rep, value=Decimal("10000"))
    assert services.deal_submit(deal=deal, actor=rep).status == S.SUBMITTED


def test_minimum_applies_only_in_the_tenants_currency(acme, rep):
    set_rules(acme.acme, minimum_value=Decimal("10000"))
    deal = make_deal(acme.northwind, by=rep, value=Decimal("500"), currency="eur")
    assert refresh(deal).currency == "EUR"
    assert services.deal_submit(deal=deal, actor=rep).status == S.SUBMITTED


def test_currency_defaults_to_the_tenants(acme, rep):
    assert make_deal(acme.northwind, by=rep).currency == "USD"


# --- approval clock --------------------------------------------------------------------------------

def test_submit_starts_the_approval_clock_in_business_hours(acme, rep):
    acme.acme.time_zone = "Europe/Berlin"
    acme.acme.save()
    set_rules(acme.acme, approval_sla_hours=16)
    deal = refresh(services.deal_submit(deal=make_deal(acme.northwind, by=rep), actor=rep))
    assert deal.submitted_at is not None
    assert deal.sla_due_at == add_business_hours(deal.submitted_at, 16, "Europe/Berlin")
    assert business_hours_between(deal.submitted_at, deal.sla_due_at, "Europe/Berlin") == pytest.approx(16)


def test_resubmission_restarts_the_clock_but_keeps_the_first_submission_time(acme, staff, rep):
    deal = make_deal(acme.northwind, by=rep, status="more_info", staff=staff)
    first = refresh(deal)
    past = timezone.now() - timedelta(days=3)
    Deal.unscoped.filter(pk=deal.pk).update(sla_due_at=past, reminded_at=past, escalated_at=past, info_answer="Both.")
    services.deal_submit(deal=refresh(deal), actor=rep)
    deal = refresh(deal)
    assert deal.submitted_at == first.submitted_at
    assert deal.sla_due_at > timezone.now() - timedelta(minutes=5)
    assert (deal.reminded_at, deal.escalated_at) == (None, None)


# --- business hours, hand-computed -----------------------------------------------------------------

def _at(tz, *args):
    return datetime(*args, tzinfo=ZoneInfo(tz))


@pytest.mark.parametrize(("tz", "start", "hours", "expected"), [
    # Friday 16:00 + 2h: one hour on Friday, one on Monday.
    ("Europe/Berlin", (2024, 6, 14, 16, 0), 2, (2024, 6, 17, 10, 0)),
    ("America/New_York", (2024, 6, 14, 16, 0), 2, (2024, 6, 17, 10, 0)),
    ("UTC", (2024, 6, 14, 16, 0), 2, (2024, 6, 17, 10, 0)),
    # Starting on a weekend: the clock starts Monday 9:00.
    ("Europe/Berlin", (2024, 6, 15, 11, 30), 3, (2024, 6, 17, 12, 0)),
    ("Europe/Berlin", (2024, 6, 16, 23, 59), 1, (2024, 6, 17, 10, 0)),
    # Before opening and after closing.
    ("Europe/Berlin", (2024, 6, 18, 7, 0), 1, (2024, 6, 18, 10, 0)),
    ("Europe/Berlin", (2024, 6, 18, 18, 0), 1, (2024, 6, 19, 10, 0)),
    # A whole day fits exactly; the default 48 hours are six business days.
    ("Europe/Berlin", (2024, 6, 17, 9, 0), 8, (2024, 6, 17, 17, 0)),
    ("Europe/Berlin", (2024, 6, 17, 9, 0), 48, (2024, 6, 24, 17, 0)),
    ("Europe/Berlin", (2024, 6, 17, 13, 15), 0.5, (2024, 6, 17, 13, 45)),
    # DST weeks in Berlin: spring forward (31 Mar 2024) and fall back (27 Oct 2024) over the weekend.
    ("Europe/Berlin", (2024, 3, 29, 16, 0), 2, (2024, 4, 1, 10, 0)),
    ("Europe/Berlin", (2024, 10, 25, 16, 0), 2, (2024, 10, 28, 10, 0)),
    ("Europe/Berlin", (2024, 3, 28, 9, 0), 24, (2024, 4, 1, 17, 0)),  # Thu, Fri, Mon
])
def test_add_business_hours(tz, start, hours, expected):
    result = add_business_hours(_at(tz, *start), hours, tz)
    assert result == _at(tz, *expected)
    assert result.astimezone(ZoneInfo(tz)).replace(tzinfo=None) == datetime(*expected)


def test_add_business_hours_in_utc_terms_across_the_berlin_dst_change():
    # Friday 16:00 CET is 15:00 UTC; Monday 10:00 CEST is 08:00 UTC (a fixed-offset clock would say 09:00).
    start = datetime(2024, 3, 29, 15, 0, tzinfo=UTC)
    assert add_business_hours(start, 2, "Europe/Berlin") == datetime(2024, 4, 1, 8, 0, tzinfo=UTC)
    # Fall back: Friday 16:00 CEST = 14:00 UTC; Monday 10:00 CET = 09:00 UTC.
    start = datetime(2024, 10, 25, 14, 0, tzinfo=UTC)
    assert add_business_hours(start, 2, "Europe/Berlin") == datetime(2024, 10, 28, 9, 0, tzinfo=UTC)


def test_add_business_hours_uses_the_tenants_zone_not_utc():
    # 16:00 UTC on a Friday is 18:00 in Berlin (closed) but 12:00 in New York (open).
    start = datetime(2024, 6, 14, 16, 0, tzinfo=UTC)
    assert add_business_hours(start, 2, "Europe/Berlin") == _at("Europe/Berlin", 2024, 6, 17, 11, 0)
    assert add_business_hours(start, 2, "America/New_York") == _at("America/New_York", 2024, 6, 14, 14, 0)


@pytest.mark.parametrize(("start", "end", "hours"), [
    ((2024, 6, 14, 16, 0), (2024, 6, 17, 10, 0), 2),
    ((2024, 6, 15, 8, 0), (2024, 6, 16, 20, 0), 0),  # a weekend
    ((2024, 6, 17, 8, 0), (2024, 6, 17, 20, 0), 8),
    ((2024, 3, 29, 16, 0), (2024, 4, 1, 10, 0), 2),  # DST weekend
    ((2024, 6, 17, 9, 0), (2024, 6, 24, 17, 0), 48),
])
def test_business_hours_between(start, end, hours):
    a, b = _at("Europe/Berlin", *start), _at("Europe/Berlin", *end)
    assert business_hours_between(a, b, "Europe/Berlin") == pytest.approx(hours)
    assert business_hours_between(b, a, "Europe/Berlin") == pytest.approx(-hours)


# --- protection and extensions ---------------------------------------------------------------------

def test_approval_protects_for_the_protection_period(acme, staff, rep):
    set_rules(acme.acme, protection_days=45)
    deal = refresh(make_deal(acme.northwind, by=rep, status="approved", staff=staff))
    assert deal.protected_until == deal.decided_at + timedelta(days=45)
    assert (deal.decided_by, deal.decided_by_rule, deal.extensions_used) == (staff, "", 0)


def test_extensions_add_the_extension_period_up_to_the_maximum(acme, staff, rep):
    set_rules(acme.acme, max_extensions=2, extension_days=30)
    deal = refresh(make_deal(acme.northwind, by=rep, status="approved", staff=staff))
    protected = deal.protected_until
    Deal.unscoped.filter(pk=deal.pk).update(expiry_warned_at=timezone.now())

    services.deal_extend_protection(deal=deal, actor=rep)
    deal = refresh(deal)
    assert (deal.protected_until, deal.extensions_used, deal.expiry_warned_at) == (protected + timedelta(days=30), 1, None)
    services.deal_extend_protection(deal=deal, actor=rep)
    deal = refresh(deal)
    assert (deal.protected_until, deal.extensions_used) == (protected + timedelta(days=60), 2)

    with pytest.raises(ValidationError, match="used all 2 extensions"):
        services.deal_extend_protection(deal=deal, actor=rep)
    assert refresh(deal).protected_until == protected + timedelta(days=60)

    extended = events(deal, "deal.extended")
    assert [e.data["extension"] for e in extended] == [1, 2]
    assert extended[0].data["to"] == (protected + timedelta(days=30)).isoformat()
    assert all(e.actor == rep and e.from_state == e.to_state == "approved" for e in extended)


def test_extension_of_a_lapsed_protection_counts_from_now(acme, staff, rep):
    set_rules(acme.acme, extension_days=30)
    deal = make_deal(acme.northwind, by=rep, status="approved", staff=staff)
    end_protection(deal, ago=timedelta(days=5))
    before = timezone.now()
    services.deal_extend_protection(deal=refresh(deal), actor=rep)
    assert refresh(deal).protected_until >= before + timedelta(days=30)


def test_no_extensions_when_the_program_allows_none(acme, staff, rep):
    set_rules(acme.acme, max_extensions=0)
    deal = make_deal(acme.northwind, by=rep, status="approved", staff=staff)
    with pytest.raises(ValidationError, match="all 0 extensions"):
        services.deal_extend_protection(deal=deal, actor=rep)


@pytest.mark.parametrize("start", ["draft", "submitted", "won", "expired"])
def test_only_approved_deals_are_extended(acme, staff, rep, start):
    deal = make_deal(acme.northwind, by=rep, status=start, staff=staff)
    with pytest.raises(ValidationError, match="Only an approved deal"):
        services.deal_extend_protection(deal=deal, actor=rep)
    assert refresh(deal).extensions_used == 0


# --- first approved wins ---------------------------------------------------------------------------

def _fabrikam(partner, by, **kwargs):
    return make_deal(partner, by=by, customer_name="Fabrikam, Inc.", customer_website="fabrikam.example",
                     contact_email="buyer@fabrikam.example", **kwargs)


def test_first_approved_wins_refuses_a_second_partner_naming_the_holder(acme, staff, rep):
    holder = _fabrikam(acme.northwind, rep, status="approved", staff=staff)
    second = _fabrikam(acme.contoso, acme.contoso_rep.user, status="submitted")
    with pytest.raises(ValidationError) as caught:
        services.deal_approve(deal=second, actor=staff)
    message = " ".join(caught.value.messages)
    assert message.startswith(f"Northwind Traders already holds this customer ({holder.reference}, protected until ")
    assert "First approved wins" in message
    assert refresh(second).status == S.SUBMITTED
    assert events(second, "deal.approve") == []


def test_first_approved_wins_off_lets_both_be_approved(acme, staff, rep):
    set_rules(acme.acme, first_approved_wins=False)
    _fabrikam(acme.northwind, rep, status="approved", staff=staff)
    second = _fabrikam(acme.contoso, acme.contoso_rep.user, status="submitted")
    assert services.deal_approve(deal=second, actor=staff).status == S.APPROVED


def test_first_approved_wins_ignores_the_partners_own_deals_and_weak_matches(acme, staff, rep):
    _fabrikam(acme.northwind, rep, status="approved", staff=staff)
    own_second = _fabrikam(acme.northwind, rep, status="submitted")
    assert services.deal_approve(deal=own_second, actor=staff).status == S.APPROVED
    # Only a similar name (0.84) and a contact at another domain: a possible match, not a holder.
    weak = make_deal(acme.contoso, by=acme.contoso_rep.user, status="submitted", customer_name="Fabrikam Inc Europe",
                     customer_website="", contact_email="x@fabrikam-europe.example")
    assert services.deal_approve(deal=weak, actor=staff).status == S.APPROVED


def test_first_approved_wins_after_the_holders_protection_ended(acme, staff, rep):
    holder = _fabrikam(acme.northwind, rep, status="approved", staff=staff)
    end_protection(holder)
    second = _fabrikam(acme.contoso, acme.contoso_rep.user, status="submitted")
    assert services.deal_approve(deal=second, actor=staff).status == S.APPROVED


def test_the_pages_ask_the_same_check_the_approval_makes(acme, staff, rep, django_capture_on_commit_callbacks):
    """approval_refusal (the deal page) and queue_approval_refusal (the queue's snapshot) say exactly what
    deal_approve refuses with, and nothing where it approves."""
    with django_capture_on_commit_callbacks(execute=True):
        holder = _fabrikam(acme.northwind, rep, status="approved", staff=staff)
        blocked = _fabrikam(acme.contoso, acme.contoso_rep.user, status="submitted")
        own = _fabrikam(acme.northwind, rep, status="submitted")
    rules = rules_for(acme.acme)
    said = approval_refusal(refresh(blocked), rules)
    assert said.startswith(f"Northwind Traders already holds this customer ({holder.reference}, protected until ")
    assert queue_approval_refusal(refresh(blocked), rules) == said
    with pytest.raises(ValidationError) as caught:
        services.deal_approve(deal=blocked, actor=staff)
    assert caught.value.messages == [said]
    # The partner's own second registration and a program without first-approved-wins: approvable, and so offered.
    assert approval_refusal(refresh(own), rules) == queue_approval_refusal(refresh(own), rules) == ""
    rules = set_rules(acme.acme, first_approved_wins=False)
    assert approval_refusal(refresh(blocked), rules) == queue_approval_refusal(refresh(blocked), rules) == ""
    assert services.deal_approve(deal=blocked, actor=staff).status == S.APPROVED


def test_a_snapshot_from_before_it_kept_partner_ids_is_judged_by_the_partners_name(acme, staff, rep):
    _fabrikam(acme.northwind, rep, status="approved", staff=staff)
    blocked = _fabrikam(acme.contoso, acme.contoso_rep.user, status="submitted")
    own = _fabrikam(acme.northwind, rep, status="submitted")
    rules = rules_for(acme.acme)
    for deal in (blocked, own):
        old = [{k: v for k, v in c.items() if k != "partner_id"} for c in refresh(deal).conflict_snapshot]
        Deal.unscoped.filter(pk=deal.pk).update(conflict_snapshot=old)
    assert queue_approval_refusal(refresh(blocked), rules) == approval_refusal(refresh(blocked), rules) != ""
    assert queue_approval_refusal(refresh(own), rules) == ""


# --- the more-information loop ---------------------------------------------------------------------

def test_the_answer_goes_back_with_the_deal_and_the_managers_hear_more_information_came(
        acme, staff, rep, django_capture_on_commit_callbacks):
    deal = make_deal(acme.northwind, by=rep, status="more_info", staff=staff, notes="Two sites.")
    assert (refresh(deal).info_question, refresh(deal).info_answer) == ("Which products?", "")
    with django_capture_on_commit_callbacks(execute=True):
        services.deal_update(deal=refresh(deal), actor=rep, answer="  Firewalls and SD-WAN. ", submit=True)
    deal = refresh(deal)
    assert (deal.status, deal.info_question, deal.info_answer, deal.notes) == (
        S.SUBMITTED, "Which products?", "Firewalls and SD-WAN.", "Two sites.")
    [provided] = events(deal, "deal.info_provided")
    assert (provided.actor, provided.from_state, provided.to_state) == (rep, "more_info", "more_info")
    assert provided.data == {"question": "Which products?", "answer": "Firewalls and SD-WAN."}
    assert recipients("info_provided", deal) == ["manager@acme.example"]
    assert outbox("submitted", deal) == [("submitted", ["manager@acme.example"])]  # the first submit only
    [email] = OutboundEmail.objects.filter(kind="dealreg/email/info_provided")
    assert email.subject == f"More information provided for {deal.reference}: {deal.customer_name} from Northwind Traders"


def test_a_deal_sent_back_is_not_submitted_again_without_an_answer(acme, staff, rep):
    deal = make_deal(acme.northwind, by=rep, status="more_info", staff=staff)
    for attempt in (lambda: services.deal_submit(deal=refresh(deal), actor=rep),
                    lambda: services.deal_update(deal=refresh(deal), actor=rep, answer=" ", notes="More.", submit=True)):
        with pytest.raises(ValidationError) as caught:
            attempt()
        assert caught.value.message_dict == {
            "info_answer": ["Answer the question from Acme Networks before you submit the deal again."]}
    deal = refresh(deal)
    assert (deal.status, deal.notes, deal.info_answer) == (S.MORE_INFO, "", "")
    assert events(deal, "deal.info_provided") == [] and events(deal, "deal.updated") == []


def test_only_a_deal_sent_back_takes_an_answer(acme, staff, rep):
    draft = make_deal(acme.northwind, by=rep)
    with pytest.raises(ValidationError) as caught:
        services.deal_update(deal=draft, actor=rep, answer="Unasked.")
    assert list(caught.value.message_dict) == ["info_answer"]
    assert refresh(draft).info_answer == ""


def test_a_new_question_starts_a_new_round(acme, staff, rep):
    deal = make_deal(acme.northwind, by=rep, status="more_info", staff=staff)
    services.deal_update(deal=refresh(deal), actor=rep, answer="Firewalls.", submit=True)
    services.deal_request_info(deal=refresh(deal), actor=staff, question="Which sites?")
    deal = refresh(deal)
    assert (deal.info_question, deal.info_answer, deal.decision_note) == ("Which sites?", "", "Which sites?")
    assert [e.data["note"] for e in events(deal, "deal.request_info")] == ["Which products?", "Which sites?"]


# --- automatic approval ----------------------------------------------------------------------------

@pytest.fixture
def auto_rules(acme):
    acme.northwind.tier = tier_named(acme.acme, "Gold")
    acme.northwind.save()
    return set_rules(acme.acme, auto_approve=True, auto_approve_tiers=["Gold"], auto_approve_max_value=Decimal("50000"))


def test_conflict_free_deal_is_approved_automatically(acme, rep, auto_rules, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        deal = services.deal_submit(deal=make_deal(acme.northwind, by=rep, value=Decimal("50000")), actor=rep)
    deal = refresh(deal)
    rule = "Automatic approval: no conflicts, Gold tier up to $50,000"
    assert (deal.status, deal.decided_by, deal.decided_by_rule) == (S.APPROVED, None, rule)
    assert deal.protected_until == deal.decided_at + timedelta(days=auto_rules.protection_days)
    approve = events(deal, "deal.approve")[0]
    assert (approve.actor, approve.actor_label, approve.from_state, approve.to_state) == (None, rule, "submitted", "approved")
    # The partner hears of the approval; nobody is asked to review it.
    assert recipients("approved") == ["admin@northwind.example", "rep@northwind.example"]
    assert outbox("submitted") == []
    assert sorted(m.to[0] for m in mailoutbox) == ["admin@northwind.example", "rep@northwind.example"]


def test_renaming_a_tier_keeps_its_partners_automatic_approval(acme, rep, auto_rules):
    # A label typed "gold" once made a new tier and dropped the partner out of the rule.
    Tier.unscoped.filter(tenant=acme.acme, name="Gold").update(name="gold")
    acme.northwind.refresh_from_db()
    deal = services.deal_submit(deal=make_deal(acme.northwind, by=rep, value=Decimal("100")), actor=rep)
    assert refresh(deal).decided_by_rule == "Automatic approval: no conflicts, gold tier up to $50,000"


def test_a_tiers_protection_days_replace_the_rules_default(acme, rep, auto_rules):
    Tier.unscoped.filter(tenant=acme.acme, name="Gold").update(protection_days=120)
    deal = refresh(services.deal_submit(deal=make_deal(acme.northwind, by=rep, value=Decimal("100")), actor=rep))
    assert deal.protected_until == deal.decided_at + timedelta(days=120)
    assert auto_rules.protection_days != 120


def test_automatic_approval_without_a_value_limit(acme, rep, auto_rules):
    set_rules(acme.acme, auto_approve_max_value=None)
    deal = services.deal_submit(deal=make_deal(acme.northwind, by=rep, value=Decimal("9000000")), actor=rep)
    assert refresh(deal).decided_by_rule == "Automatic approval: no conflicts, Gold tier"


@pytest.mark.parametrize("case", ["conflict", "tier", "value", "currency", "switched_off"])
def test_deals_outside_the_automatic_rule_wait_for_review(acme, rep, auto_rules, case, django_capture_on_commit_callbacks):
    fields = {}
    if case == "conflict":
        # Another partner's submitted registration for the same domain.
        make_deal(acme.contoso, by=acme.contoso_rep.user, status="submitted", customer_name="Tailspin Toys",
                  customer_website="tailspin.example")
        fields = {"customer_name": "Tailspin Toys Ltd", "customer_website": "https://tailspin.example"}
    elif case == "tier":
        acme.northwind.tier = tier_named(acme.acme, "Silver")
        acme.northwind.save()
    elif case == "value":
        fields = {"value": Decimal("50000.01")}
    elif case == "currency":
        fields = {"value": Decimal("100"), "currency": "EUR"}
    elif case == "switched_off":
        set_rules(acme.acme, auto_approve=False)
    deal = make_deal(acme.northwind, by=rep, **fields)
    with django_capture_on_commit_callbacks(execute=True):
        services.deal_submit(deal=deal, actor=rep)
    deal = refresh(deal)
    assert (deal.status, deal.decided_by_rule, deal.protected_until) == (S.SUBMITTED, "", None)
    assert recipients("submitted", deal) == ["manager@acme.example"]
    assert outbox("approved", deal) == []


def test_automatic_approval_that_loses_a_race_waits_for_review(acme, rep, staff, auto_rules, monkeypatch,
                                                               django_capture_on_commit_callbacks):
    """The conflict check ran before another partner's approval committed; the approval itself then
    finds the holder. The submit still succeeds, and the partner is not told who holds the customer."""
    _fabrikam(acme.contoso, acme.contoso_rep.user, status="approved", staff=staff)
    monkeypatch.setattr(services, "_auto_approval_rule", lambda deal, rules, conflicts: "Automatic approval: test")
    deal = _fabrikam(acme.northwind, rep)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.deal_submit(deal=deal, actor=rep)
    assert result.status == S.SUBMITTED
    deal = refresh(deal)
    assert (deal.status, deal.decided_by_rule, deal.protected_until) == (S.SUBMITTED, "", None)
    assert [e.verb for e in events(deal)] == ["deal.created", "deal.submit"]
    assert recipients("submitted", deal) == ["manager@acme.example"]


# --- decisions -------------------------------------------------------------------------------------

def test_manual_decisions_record_the_person(acme, staff, rep):
    approved = refresh(make_deal(acme.northwind, by=rep, status="approved", staff=staff))
    assert (approved.decided_by, approved.decided_by_rule) == (staff, "")
    assert approved.decided_at is not None
    asked = refresh(make_deal(acme.northwind, by=rep, status="more_info", staff=staff))
    assert asked.decision_note == "Which products?"


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_reject_requires_a_reason(acme, staff, rep, reason):
    deal = make_deal(acme.northwind, by=rep, status="submitted")
    with pytest.raises(ValidationError) as caught:
        services.deal_reject(deal=deal, actor=staff, reason=reason)
    assert caught.value.message_dict == {"reason": ["Tell the partner why: they will see this reason."]}
    assert refresh(deal).status == S.SUBMITTED


@pytest.mark.parametrize("question", ["", "  \n "])
def test_request_info_requires_a_question(acme, staff, rep, question):
    deal = make_deal(acme.northwind, by=rep, status="submitted")
    with pytest.raises(ValidationError) as caught:
        services.deal_request_info(deal=deal, actor=staff, question=question)
    assert list(caught.value.message_dict) == ["question"]
    assert refresh(deal).status == S.SUBMITTED


def test_decisions_email_the_partners_users_only(acme, staff, rep, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_deal(acme.northwind, by=rep, status="rejected", staff=staff)
        make_deal(acme.northwind, by=rep, status="more_info", staff=staff)
    assert recipients("rejected") == ["admin@northwind.example", "rep@northwind.example"]
    assert recipients("more_info") == ["admin@northwind.example", "rep@northwind.example"]
    assert recipients("submitted") == ["manager@acme.example", "manager@acme.example"]


# --- bulk approval ---------------------------------------------------------------------------------

def test_bulk_approve_approves_only_conflict_free_deals(acme, staff, rep):
    contoso_rep = acme.contoso_rep.user
    free_1 = make_deal(acme.northwind, by=rep, status="submitted")
    free_2 = make_deal(acme.contoso, by=contoso_rep, status="submitted")
    # Two partners registering the same customer: neither is approved in bulk.
    clash_1 = _fabrikam(acme.northwind, rep, status="submitted")
    clash_2 = _fabrikam(acme.contoso, contoso_rep, status="submitted")

    approved, skipped = services.deals_bulk_approve(deals=[free_1, clash_1, free_2, clash_2], actor=staff)
    assert [d.pk for d in approved] == [free_1.pk, free_2.pk]
    assert [(d.pk, reason) for d, reason in skipped] == [
        (clash_1.pk, "has possible conflicts: review it on its own"),
        (clash_2.pk, "has possible conflicts: review it on its own"),
    ]
    assert {d.pk: refresh(d).status for d in (free_1, free_2, clash_1, clash_2)} == {
        free_1.pk: S.APPROVED, free_2.pk: S.APPROVED, clash_1.pk: S.SUBMITTED, clash_2.pk: S.SUBMITTED,
    }
    assert refresh(free_1).decided_by == staff


def test_bulk_approve_reports_refused_deals(acme, staff, rep):
    already = make_deal(acme.northwind, by=rep, status="approved", staff=staff)
    approved, skipped = services.deals_bulk_approve(deals=[already], actor=staff)
    assert approved == []
    [(deal, reason)] = skipped
    assert deal.pk == already.pk
    assert "approved deal cannot be approved; only a deal that is submitted can." in reason


# --- creation --------------------------------------------------------------------------------------

def test_create_keeps_matching_keys_and_products(acme, rep):
    wifi = ProductLine.objects.create(tenant=acme.acme, name="Wi-Fi")
    deal = make_deal(acme.northwind, by=rep, products=[wifi], customer_name="ACME, Inc.",
                     customer_website="HTTP://WWW.ACME-CORP.EXAMPLE:443/", contact_email="Bob@Acme-Corp.example")
    deal = refresh(deal)
    assert (deal.status, deal.tenant, deal.registered_by) == (S.DRAFT, acme.acme, rep)
    assert (deal.customer_name_normalized, deal.customer_domain, deal.contact_email_domain) == (
        "acme", "acme-corp.example", "acme-corp.example",
    )
    assert list(deal.products.all()) == [wifi]
    created = events(deal)[0]
    assert (created.verb, created.to_state, created.actor) == ("deal.created", "draft", rep)


def test_deals_of_a_deactivated_partner_cannot_be_created(acme, rep):
    partner_deactivate(partner=acme.northwind, actor=acme.acme_admin.user)
    acme.northwind.refresh_from_db()
    with pytest.raises(ValidationError, match="deactivated and cannot register deals"):
        services.deal_create(partner=acme.northwind, actor=rep, **deal_fields())
    assert not Deal.unscoped.exists()


def test_an_onboarding_partner_can_register(acme):
    onboarding = PartnerFactory(tenant=acme.acme, name="Fresh Partner", status=PartnerStatus.ONBOARDING)
    assert make_deal(onboarding, by=None).status == S.DRAFT


def test_another_tenants_product_is_refused_and_nothing_saved(acme, rep):
    with rls_bypass(reason="the test makes another tenant's row"):
        foreign = ProductLine.unscoped.create(tenant=acme.globex, name="Globex Router")
    with pytest.raises(PermissionDenied):
        services.deal_create(partner=acme.northwind, actor=rep, products=[foreign], **deal_fields())
    assert not Deal.unscoped.exists()


def test_invalid_fields_are_refused_by_field(acme, rep):
    with pytest.raises(ValidationError) as caught:
        services.deal_create(partner=acme.northwind, actor=rep, **deal_fields(contact_email="not-an-email", value=Decimal("-1")))
    assert {"contact_email", "value"} <= set(caught.value.message_dict)
    with pytest.raises(TypeError, match="Unknown deal fields: status"):
        services.deal_create(partner=acme.northwind, actor=rep, **deal_fields(status="approved"))
    assert not Deal.unscoped.exists()


# --- rules and product lines -----------------------------------------------------------------------

def test_rules_are_created_with_defaults_once_per_tenant(acme):
    rules = rules_for(acme.acme)
    assert (rules.protection_days, rules.max_extensions, rules.extension_days, rules.approval_sla_hours) == (90, 2, 30, 48)
    assert (rules.first_approved_wins, rules.auto_approve, rules.minimum_value) == (True, False, Decimal("0"))
    assert rules_for(acme.acme).pk == rules.pk


def test_rules_update_audits_only_the_changes(acme):
    admin = acme.acme_admin.user
    rules = rules_for(acme.acme)
    services.rules_update(rules=rules, actor=admin, protection_days=60, max_extensions=2)
    event = AuditEvent.unscoped.get(verb="rules.updated")
    assert event.data == {"changed": {"protection_days": ["90", "60"]}}
    assert event.actor == admin
    with pytest.raises(ValidationError):
        services.rules_update(rules=rules, actor=admin, minimum_value=Decimal("-5"))


def test_product_lines_are_unique_per_tenant_and_can_be_retired(acme, in_tenant):
    admin = acme.acme_admin.user
    line = services.product_line_create(tenant=acme.acme, actor=admin, name="  Firewalls ")
    assert line.name == "Firewalls"
    with pytest.raises(ValidationError) as caught:
        services.product_line_create(tenant=acme.acme, actor=admin, name="FIREWALLS")
    assert list(caught.value.message_dict) == ["name"]
    services.product_line_toggle(product_line=line, actor=admin)
    assert not ProductLine.objects.get(pk=line.pk).is_active
    services.product_line_toggle(product_line=line, actor=admin)
    assert ProductLine.objects.get(pk=line.pk).is_active
    with in_tenant(acme.globex):  # another tenant may use the same name
        services.product_line_create(tenant=acme.globex, actor=acme.globex_admin.user, name="Firewalls")
