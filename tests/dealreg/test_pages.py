"""The deal pages: the partner portal (register, follow, act) and the dashboard (queue, decisions,
rules, product lines, exports)."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.utils import timezone
from django.utils.formats import date_format

from dealreg.models import Deal, DealStatus, ProductLine
from dealreg.rules import rules_for
from prm.audit.models import AuditEvent

from .helpers import end_protection, events, make_deal, refresh, set_rules

S = DealStatus
NEW = "/portal/deals/new/"
PORTAL = "/portal/deals/"
QUEUE = "/manage/deals/queue/"
RULES = "/manage/deal-rules/"
PRODUCT_LINES = "/manage/product-lines/"


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _form(**overrides):
    """POST data of the registration form."""
    data = {
        "customer_name": "Fabrikam, Inc.", "customer_website": "https://www.fabrikam.example", "customer_country": "DE",
        "contact_name": "Jane Buyer", "contact_email": "jane@fabrikam.example", "value": "25000", "currency": "USD",
        "expected_close_date": (timezone.localdate() + timedelta(days=30)).isoformat(), "notes": "Two sites.",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _field_errors(response, field):
    return response.context["form"].errors.get(field, [])


def _deal(world, in_tenant, partner="northwind", status="submitted", **overrides):
    member = {"northwind": world.northwind_rep, "contoso": world.contoso_rep}[partner]
    with in_tenant(world.acme):
        return make_deal(getattr(world, partner), by=member.user, status=status, staff=world.acme_manager.user, **overrides)


# --- portal: register --------------------------------------------------------------------------------

def test_register_form_offers_active_product_lines_and_the_live_check(world, client_as, in_tenant):
    with in_tenant(world.acme):
        ProductLine.objects.create(tenant=world.acme, name="Wi-Fi")
        ProductLine.objects.create(tenant=world.acme, name="Legacy Modems", is_active=False)
    response = client_as(world.northwind_rep).get(NEW)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Wi-Fi" in content and "Legacy Modems" not in content
    assert 'hx-post="/portal/deals/check/"' in content
    assert [c for c, _ in response.context["form"].fields["currency"].choices][0] == "USD"


def test_save_draft(world, client_as, in_tenant):
    with in_tenant(world.acme):
        wifi = ProductLine.objects.create(tenant=world.acme, name="Wi-Fi")
    response = client_as(world.northwind_rep).post(NEW, _form(products=[wifi.pk], submit="0"))
    deal = Deal.unscoped.get()
    assert response.status_code == 302
    assert response["Location"] == f"/portal/deals/{deal.pk}/"
    assert _messages(response) == [f"{deal.reference} saved as a draft."]
    assert (deal.status, deal.partner, deal.registered_by, deal.customer_domain) == (
        S.DRAFT, world.northwind, world.northwind_rep.user, "fabrikam.example",
    )
    with in_tenant(world.acme):
        assert list(deal.products.all()) == [wifi]
    assert str(deal.customer_country) == "DE"


def test_submit(world, client_as, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(world.northwind_rep).post(NEW, _form(submit="1"))
    deal = Deal.unscoped.get()
    assert response.status_code == 302
    assert deal.status == S.SUBMITTED and deal.sla_due_at is not None
    due = date_format(deal.sla_due_at.astimezone(UTC), "DATETIME_FORMAT")
    assert _messages(response) == [f"{deal.reference} is submitted. Acme Networks will decide by {due} UTC."]
    assert [m.to for m in mailoutbox] == [["manager@acme.example"]]


def test_submit_message_gives_the_due_time_in_the_programs_zone_and_names_it(world, client_as):
    from zoneinfo import ZoneInfo

    world.acme.time_zone = "Pacific/Kiritimati"  # UTC+14: the local wall clock differs from UTC
    world.acme.save()
    response = client_as(world.northwind_rep).post(NEW, _form(submit="1"))
    deal = Deal.unscoped.get()
    due = deal.sla_due_at.astimezone(ZoneInfo("Pacific/Kiritimati"))
    # The zone's abbreviation (Kiritimati has none but its offset), not a "(UTC time)" note.
    assert _messages(response) == [
        f"{deal.reference} is submitted. Acme Networks will decide by {date_format(due, 'DATETIME_FORMAT')} +14."
    ]


def test_submit_approved_automatically(world, client_as, in_tenant):
    with in_tenant(world.acme):
        set_rules(world.acme, auto_approve=True, auto_approve_tiers=["Silver"])
    response = client_as(world.northwind_rep).post(NEW, _form(submit="1"))
    deal = Deal.unscoped.get()
    assert deal.status == S.APPROVED
    assert _messages(response) == [
        f"{deal.reference} was approved automatically and is protected until {date_format(deal.protected_until)}."
    ]


@pytest.mark.parametrize(("overrides", "field", "error"), [
    ({"expected_close_date": "2020-01-31"}, "expected_close_date",
     "The expected close date is in the past; registrations are for open opportunities."),
    ({"contact_email": ""}, "contact_email", "This field is required."),
    ({"contact_email": "jane at fabrikam"}, "contact_email", "Enter a valid email address."),
    ({"customer_name": ""}, "customer_name", "This field is required."),
    ({"value": "-5"}, "value", "Ensure this value is greater than or equal to 0."),
    ({"currency": "XXX"}, "currency", "Select a valid choice. XXX is not one of the available choices."),
])
@pytest.mark.parametrize("submit", ["0", "1"])
def test_form_errors_are_shown_next_to_the_field_and_nothing_is_saved(world, client_as, overrides, field, error, submit):
    response = client_as(world.northwind_rep).post(NEW, _form(submit=submit, **overrides))
    assert response.status_code == 400
    assert _field_errors(response, field) == [error]
    assert f'<p class="error" id="id_{field}_error">' in response.content.decode()
    assert not Deal.unscoped.exists()


def test_value_below_the_minimum_on_submit_is_an_error_next_to_value_and_nothing_is_saved(world, client_as, in_tenant):
    with in_tenant(world.acme):
        set_rules(world.acme, minimum_value=Decimal("50000"))
    client = client_as(world.northwind_rep)
    response = client.post(NEW, _form(value="49999", submit="1"))
    assert response.status_code == 400
    assert _field_errors(response, "value") == ["Deals under $50,000 are not registered in this program."]
    assert 'id="id_value_error"' in response.content.decode()
    assert not Deal.unscoped.exists()
    # Fixing the value and submitting again registers exactly one deal.
    assert client.post(NEW, _form(value="50000", submit="1")).status_code == 302
    assert list(Deal.unscoped.values_list("status", flat=True)) == [S.SUBMITTED]


def test_value_below_the_minimum_may_be_kept_as_a_draft(world, client_as, in_tenant):
    with in_tenant(world.acme):
        set_rules(world.acme, minimum_value=Decimal("50000"))
    assert client_as(world.northwind_rep).post(NEW, _form(value="100", submit="0")).status_code == 302
    assert Deal.unscoped.get().status == S.DRAFT


def test_staff_cannot_register_in_the_portal(world, client_as):
    assert client_as(world.acme_manager).post(NEW, _form(submit="1")).status_code == 403
    assert not Deal.unscoped.exists()


# --- portal: list, detail, edit, buttons ---------------------------------------------------------------

def test_portal_list_shows_only_the_partners_own_deals_with_status_and_clock(world, client_as, in_tenant):
    waiting = _deal(world, in_tenant, customer_name="Tailspin Toys")
    approved = _deal(world, in_tenant, status="approved", customer_name="Coho Winery")
    theirs = _deal(world, in_tenant, partner="contoso", customer_name="Trey Research")
    response = client_as(world.northwind_rep).get(PORTAL)
    assert response.status_code == 200
    content = response.content.decode()
    assert [d.pk for d in response.context["deals"]] == [approved.pk, waiting.pk]
    assert "Tailspin Toys" in content and "Coho Winery" in content
    assert "Trey Research" not in content and theirs.reference not in content
    assert '<span class="status status--submitted">Submitted</span>' in content
    assert '<span class="status status--approved">Approved</span>' in content
    assert "business h left" in content
    assert "protected 89 more days" in content
    # Filters work within the partner's own deals only.
    filtered = client_as(world.northwind_rep).get(PORTAL, {"status": "approved"})
    assert [d.pk for d in filtered.context["deals"]] == [approved.pk]
    assert [d.pk for d in client_as(world.contoso_rep).get(PORTAL, {"q": "Tailspin"}).context["deals"]] == []


def test_another_partners_deal_is_a_404(world, client_as, in_tenant):
    theirs = _deal(world, in_tenant, partner="contoso", status="draft")
    client = client_as(world.northwind_rep)
    for url in (f"/portal/deals/{theirs.pk}/", f"/portal/deals/{theirs.pk}/edit/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/portal/deals/{theirs.pk}/withdraw/").status_code == 404
    assert client.post(f"/portal/deals/{theirs.pk}/edit/", _form(submit="1")).status_code == 404
    assert refresh(theirs).status == S.DRAFT


@pytest.mark.parametrize(("status", "buttons", "absent"), [
    ("draft", ["Submit for approval", "Withdraw", "Edit"], ["Mark won", "Extend protection"]),
    ("submitted", ["Withdraw"], ["Submit for approval", "Mark won", "Edit"]),
    # Sent back: the way on is answering the question (submitting again comes with the answer).
    ("more_info", ["Answer the question", "Withdraw", "Edit"], ["Submit for approval", "Mark won"]),
    ("approved", ["Mark won", "Mark lost", "Extend protection by 30 days", "2 extensions left."], ["Withdraw", "Edit"]),
    ("won", ["This deal is won; nothing more to do."], ["Withdraw", "Mark lost", "Edit"]),
])
def test_portal_detail_offers_the_allowed_actions(world, client_as, in_tenant, status, buttons, absent):
    deal = _deal(world, in_tenant, status=status)
    response = client_as(world.northwind_rep).get(f"/portal/deals/{deal.pk}/")
    assert response.status_code == 200
    content = response.content.decode()
    for text in buttons:
        assert text in content, text
    for text in absent:
        assert text not in content, text


@pytest.mark.parametrize(("status", "action", "label", "consequence"), [
    ("approved", "win", "Mark won", "Acme Networks may ask the customer contact how you did."),
    ("approved", "lose", "Mark lost", "other partners may register this customer."),
    ("submitted", "withdraw", "Withdraw", "cannot be submitted again"),
])
def test_closing_and_withdrawing_ask_for_confirmation_first(world, client_as, in_tenant, status, action, label,
                                                            consequence):
    # The first click only opens the question; the form that changes the deal is inside it.
    deal = _deal(world, in_tenant, status=status)
    content = client_as(world.northwind_rep).get(f"/portal/deals/{deal.pk}/").content.decode()
    block = re.search(rf'<details class="confirm"><summary[^>]*>{label}</summary>(.*?)</details>', content, re.S)
    assert block, label
    assert f'action="/portal/deals/{deal.pk}/{action}/"' in block.group(1)
    assert consequence in block.group(1)
    assert f"Yes, {label.lower()}</button>" in block.group(1)
    assert content.count(f'action="/portal/deals/{deal.pk}/{action}/"') == 1  # no unconfirmed button elsewhere


@pytest.mark.parametrize(("status", "action", "target", "message"), [
    ("draft", "submit", S.SUBMITTED, "{ref} is submitted for approval."),
    ("draft", "withdraw", S.WITHDRAWN, "{ref} is withdrawn."),
    ("submitted", "withdraw", S.WITHDRAWN, "{ref} is withdrawn."),
    ("approved", "win", S.WON, "{ref} is marked won. Congratulations!"),
    ("approved", "lose", S.LOST, "{ref} is marked lost."),
])
def test_portal_buttons(world, client_as, in_tenant, status, action, target, message):
    deal = _deal(world, in_tenant, status=status)
    response = client_as(world.northwind_rep).post(f"/portal/deals/{deal.pk}/{action}/")
    assert response.status_code == 302
    assert response["Location"] == f"/portal/deals/{deal.pk}/"
    assert _messages(response) == [message.format(ref=deal.reference)]
    assert refresh(deal).status == target


def test_portal_extend_until_none_are_left(world, client_as, in_tenant):
    with in_tenant(world.acme):
        set_rules(world.acme, max_extensions=1, extension_days=15)
    deal = refresh(_deal(world, in_tenant, status="approved"))
    client = client_as(world.northwind_rep)
    assert "Extend protection by 15 days" in client.get(f"/portal/deals/{deal.pk}/").content.decode()
    response = client.post(f"/portal/deals/{deal.pk}/extend/")
    assert _messages(response) == [f"{deal.reference}'s protection is extended."]
    assert refresh(deal).protected_until == deal.protected_until + timedelta(days=15)
    page = client.get(f"/portal/deals/{deal.pk}/").content.decode()
    assert "No extensions left." in page and "Extend protection" not in page
    again = client.post(f"/portal/deals/{deal.pk}/extend/")
    assert _messages(again) == ["This deal has used the 1 extension the program allows."]
    assert refresh(deal).extensions_used == 1


def test_portal_refused_action_shows_the_reason(world, client_as, in_tenant):
    deal = _deal(world, in_tenant, status="approved")
    response = client_as(world.northwind_rep).post(f"/portal/deals/{deal.pk}/withdraw/")
    assert response.status_code == 302
    [message] = _messages(response)
    assert "approved deal cannot be withdrawn" in message
    assert refresh(deal).status == S.APPROVED
    assert client_as(world.northwind_rep).post(f"/portal/deals/{deal.pk}/approve/").status_code == 404


def test_edit_and_submit(world, client_as, in_tenant):
    deal = _deal(world, in_tenant, status="draft")
    client = client_as(world.northwind_rep)
    page = client.get(f"/portal/deals/{deal.pk}/edit/")
    assert page.status_code == 200
    assert page.context["answer_form"] is None and 'name="info_answer"' not in page.content.decode()
    response = client.post(f"/portal/deals/{deal.pk}/edit/", _form(customer_name="Fabrikam Europe", submit="1"))
    assert response.status_code == 302
    deal = refresh(deal)
    assert (deal.customer_name, deal.status) == ("Fabrikam Europe", S.SUBMITTED)


def test_edit_save_keeps_the_draft(world, client_as, in_tenant):
    deal = _deal(world, in_tenant, status="draft")
    response = client_as(world.northwind_rep).post(f"/portal/deals/{deal.pk}/edit/", _form(notes="Updated.", submit="0"))
    assert _messages(response) == [f"{deal.reference} saved as a draft."]
    assert (refresh(deal).notes, refresh(deal).status) == ("Updated.", S.DRAFT)


def test_refused_resubmission_keeps_the_edit_unsaved(world, client_as, in_tenant):
    deal = _deal(world, in_tenant, status="more_info", value=Decimal("60000"))
    with in_tenant(world.acme):
        set_rules(world.acme, minimum_value=Decimal("50000"))
    response = client_as(world.northwind_rep).post(f"/portal/deals/{deal.pk}/edit/", _form(
        value="100", notes="Smaller.", info_answer="It got smaller.", submit="1"))
    assert response.status_code == 400
    assert _field_errors(response, "value") == ["Deals under $50,000 are not registered in this program."]
    deal = refresh(deal)
    assert (deal.status, deal.value, deal.notes, deal.info_answer) == (S.MORE_INFO, Decimal("60000"), "", "")
    with in_tenant(world.acme):
        assert events(deal, "deal.updated") == []


@pytest.mark.parametrize("status", ["submitted", "approved", "rejected"])
def test_edit_is_refused_outside_draft_and_more_info(world, client_as, in_tenant, status):
    deal = _deal(world, in_tenant, status=status, customer_name="Tailspin Toys")
    response = client_as(world.northwind_rep).post(f"/portal/deals/{deal.pk}/edit/", _form(customer_name="Changed", submit="0"))
    assert response.status_code == 400
    label = S(status).label.lower()
    assert any(f"{label} deal cannot be edited" in e for e in response.context["form"].non_field_errors())
    assert refresh(deal).customer_name == "Tailspin Toys"


# --- portal: the home page's deal tiles and the list behind each ------------------------------------------

def _tiles(html):
    """{label: (value, link)} of the stat tiles that link to the deal list."""
    found = re.findall(r'<a class="stat(?: stat--attention)?" href="(/portal/deals/[^"]*)"><span class="stat__value">([^<]*)'
                       r'</span><span class="stat__label">([^<]*)</span></a>', html)
    return {label: (value, link.replace("&amp;", "&")) for link, value, label in found}


@pytest.fixture
def six_deals(world, in_tenant):
    """Northwind's six deals, one in each state a tile may count, and Contoso's of its own."""
    for status in ("draft", "submitted", "more_info", "approved", "approved", "won"):
        _deal(world, in_tenant, status=status)
    ending, _protected = (refresh(d) for d in Deal.unscoped.filter(partner=world.northwind, status=S.APPROVED))
    Deal.unscoped.filter(pk=ending.pk).update(protected_until=timezone.now() + timedelta(days=5))
    for status in ("submitted", "approved", "more_info"):
        _deal(world, in_tenant, partner="contoso", status=status)
    return SimpleNamespace(ending=ending)


def test_every_deal_tile_counts_exactly_the_rows_its_link_lists(world, client_as, six_deals):
    rep = client_as(world.northwind_rep)
    shown = _tiles(rep.get("/portal/").content.decode())
    assert shown == {
        "deal waiting for review": ("1", "/portal/deals/?status=submitted"),  # not the one waiting for Northwind
        "deal needing your answer": ("1", "/portal/deals/?status=more_info"),
        "protected deals": ("2", "/portal/deals/?protection=protected"),
        "protection ending within 14 days": ("1", "/portal/deals/?protection=ending"),
    }
    for label, (value, link) in shown.items():
        listed = rep.get(link)
        rows = re.findall(r'<a href="/portal/deals/\d+/">D-', listed.content.decode())
        assert len(rows) == listed.context["paginator"].count == int(value), label
    assert [d.pk for d in rep.get("/portal/deals/?protection=ending").context["deals"]] == [six_deals.ending.pk]


def test_a_protection_that_ran_out_is_not_counted_as_protected(world, client_as, in_tenant):
    kept = _deal(world, in_tenant, status="approved")
    lapsed = _deal(world, in_tenant, status="approved")
    end_protection(lapsed)  # the nightly sweep has not expired it yet
    rep = client_as(world.northwind_rep)
    assert _tiles(rep.get("/portal/").content.decode())["protected deal"] == ("1", "/portal/deals/?protection=protected")
    assert [d.pk for d in rep.get("/portal/deals/?protection=protected").context["deals"]] == [kept.pk]
    assert {d.pk for d in rep.get("/portal/deals/?status=approved").context["deals"]} == {kept.pk, lapsed.pk}


def test_the_list_shows_which_filter_is_on_and_an_empty_filtered_list_says_so(world, client_as, six_deals):
    rep = client_as(world.northwind_rep)
    listed = rep.get("/portal/deals/?protection=ending").content.decode()
    assert '<option value="ending" selected>Protection ending within 14 days</option>' in listed
    assert '<a href="/portal/deals/">Clear the filters</a>' in listed
    empty = rep.get("/portal/deals/?status=rejected")
    content = empty.content.decode()
    assert empty.context["paginator"].count == 0
    assert "No deals match these filters." in content and '<a href="/portal/deals/">Clear the filters</a>' in content
    assert "No deals yet" not in content and "Register your first deal" not in content
    everything = rep.get("/portal/deals/").content.decode()
    assert "Clear the filters" not in everything and "6 deals" in everything


def test_a_partner_without_deals_is_invited_to_register_the_first(world, client_as):
    content = client_as(world.contoso_rep).get("/portal/deals/").content.decode()
    assert "No deals yet." in content and "Register your first deal" in content
    assert "No deals match" not in content


def test_the_dashboard_list_says_when_its_filters_match_nothing(world, client_as, six_deals):
    manager = client_as(world.acme_manager)
    empty = manager.get("/manage/deals/?status=expired").content.decode()
    assert "No deals match these filters." in empty and '<a href="/manage/deals/">Clear the filters</a>' in empty
    ending = manager.get("/manage/deals/?protection=ending")
    assert [d.pk for d in ending.context["deals"]] == [six_deals.ending.pk]


def test_an_empty_program_has_no_deals_yet(world, client_as):
    content = client_as(world.globex_manager).get("/manage/deals/").content.decode()
    assert "No deals registered yet: partners register them in the portal." in content


# --- dashboard: queue and decisions --------------------------------------------------------------------

def test_queue_is_ordered_by_the_approval_clock_and_shows_conflicts(world, client_as, in_tenant,
                                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the snapshot refresh runs after commit
        relaxed = _deal(world, in_tenant, customer_name="Tailspin Toys")
        urgent = _deal(world, in_tenant, customer_name="Fabrikam, Inc.", customer_website="fabrikam.example")
        clash = _deal(world, in_tenant, partner="contoso", customer_name="Fabrikam GmbH", customer_website="www.fabrikam.example")
    _deal(world, in_tenant, status="approved", customer_name="Coho Winery")  # not waiting
    now = timezone.now()
    for deal, hours in ((relaxed, 40), (urgent, 2), (clash, 20)):
        Deal.unscoped.filter(pk=deal.pk).update(sla_due_at=now + timedelta(hours=hours))
    response = client_as(world.acme_manager).get(QUEUE)
    assert response.status_code == 200
    deals = response.context["deals"]
    assert [deal.pk for deal in deals] == [urgent.pk, clash.pk, relaxed.pk]
    assert [[c["deal"] for c in deal.conflict_snapshot] for deal in deals] == [[clash.pk], [urgent.pk], []]
    content = response.content.decode()
    assert "(3 waiting)" in content
    assert "same domain fabrikam.example" in content and "similar name (score 1.00)" in content
    assert "Contoso Integration" in content  # staff see who the conflict is with
    # Only conflict-free deals can be picked for bulk approval.
    assert f'value="{relaxed.pk}" id="pick-{relaxed.pk}"' in content
    assert f'id="pick-{urgent.pk}"' not in content and f'id="pick-{clash.pk}"' not in content


def test_queue_is_staff_only(world, client_as):
    assert client_as(world.northwind_rep).get(QUEUE).status_code == 403
    assert client_as(world.acme_admin).get(QUEUE).status_code == 200


def test_dashboard_detail_shows_conflicts_and_decision_forms(world, client_as, in_tenant):
    deal = _deal(world, in_tenant, customer_name="Fabrikam, Inc.", customer_website="fabrikam.example")
    other = _deal(world, in_tenant, partner="contoso", status="approved", customer_name="Fabrikam", customer_website="fabrikam.example")
    response = client_as(world.acme_manager).get(f"/manage/deals/{deal.pk}/")
    assert response.status_code == 200
    assert [c.deal.pk for c in response.context["conflicts"]] == [other.pk]
    content = response.content.decode()
    assert other.reference in content and "conflict--strong" in content
    assert "Approve" in content and "Ask for more information" in content and "Reject" in content


def test_approve(world, client_as, in_tenant, django_capture_on_commit_callbacks, mailoutbox):
    deal = _deal(world, in_tenant)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(world.acme_manager).post(f"/manage/deals/{deal.pk}/approve/")
    assert response.status_code == 302
    assert response["Location"] == f"/manage/deals/{deal.pk}/"
    assert _messages(response) == [f"{deal.reference} is approved and protected."]
    deal = refresh(deal)
    assert (deal.status, deal.decided_by) == (S.APPROVED, world.acme_manager.user)
    assert sorted(m.to[0] for m in mailoutbox) == ["admin@northwind.example", "rep@northwind.example"]


def test_approve_refused_by_first_approved_wins(world, client_as, in_tenant):
    holder = _deal(world, in_tenant, partner="contoso", status="approved", customer_name="Fabrikam", customer_website="fabrikam.example")
    deal = _deal(world, in_tenant, customer_name="Fabrikam, Inc.", customer_website="fabrikam.example")
    response = client_as(world.acme_manager).post(f"/manage/deals/{deal.pk}/approve/")
    [message] = _messages(response)
    assert message.startswith(f"Contoso Integration already holds this customer ({holder.reference}")
    assert refresh(deal).status == S.SUBMITTED


def test_a_deal_the_rules_refuse_offers_no_approval_but_says_why(world, client_as, in_tenant,
                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        holder = _deal(world, in_tenant, partner="contoso", status="approved", customer_name="Fabrikam",
                       customer_website="fabrikam.example")
        blocked = _deal(world, in_tenant, customer_name="Fabrikam, Inc.", customer_website="fabrikam.example")
        free = _deal(world, in_tenant, customer_name="Tailspin Toys")
    manager = client_as(world.acme_manager)
    reason = f"Contoso Integration already holds this customer ({holder.reference}, protected until "

    page = manager.get(f"/manage/deals/{blocked.pk}/")
    content = page.content.decode()
    assert page.context["approval_refusal"].startswith(reason)
    assert f'action="/manage/deals/{blocked.pk}/approve/"' not in content  # nothing to post
    assert re.search(r'<p class="verdict verdict--protected" id="approval-refusal">' + re.escape(reason), content)
    assert '<button type="button" disabled aria-describedby="approval-refusal">Approve</button>' in content
    assert "Reject" in content and "Ask for more information" in content  # what the manager can do instead
    offered = manager.get(f"/manage/deals/{free.pk}/")
    assert offered.context["approval_refusal"] == ""
    assert f'action="/manage/deals/{free.pk}/approve/"' in offered.content.decode()

    queue = manager.get(QUEUE)
    rows = {deal.pk: deal for deal in queue.context["deals"]}
    assert rows[blocked.pk].approval_refusal.startswith(reason) and rows[free.pk].approval_refusal == ""
    content = queue.content.decode()
    assert f'id="pick-{blocked.pk}"' not in content and f'id="pick-{free.pk}"' in content
    assert "Cannot be approved: " + reason in content
    # Bulk approval, asked anyway, refuses it too.
    response = manager.post("/manage/deals/queue/approve/", {"deal": [blocked.pk]})
    assert _messages(response) == [f"{blocked.reference} not approved: has possible conflicts: review it on its own."]
    assert refresh(blocked).status == S.SUBMITTED


def test_a_deal_sent_back_for_more_information_offers_no_approval(world, client_as, in_tenant):
    deal = _deal(world, in_tenant, status="more_info")
    page = client_as(world.acme_manager).get(f"/manage/deals/{deal.pk}/")
    assert page.context["approval_refusal"] == ""
    assert ">Approve</button>" not in page.content.decode() and "Reject" in page.content.decode()


def test_reject_with_a_reason_the_partner_sees(world, client_as, in_tenant, django_capture_on_commit_callbacks, mailoutbox):
    deal = _deal(world, in_tenant)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(world.acme_manager).post(f"/manage/deals/{deal.pk}/reject/", {"reason": "Already a direct customer."})
    assert response.status_code == 302
    assert _messages(response) == [f"{deal.reference} is rejected; the partner sees your reason."]
    assert refresh(deal).status == S.REJECTED
    page = client_as(world.northwind_rep).get(f"/portal/deals/{deal.pk}/").content.decode()
    assert "<strong>Not approved:</strong> Already a direct customer." in page
    assert {m.to[0] for m in mailoutbox} == {"admin@northwind.example", "rep@northwind.example"}
    assert all("Reason: Already a direct customer." in m.body for m in mailoutbox)


@pytest.mark.parametrize(("decision", "field"), [("reject", "reason"), ("request-info", "question")])
def test_decision_text_is_required(world, client_as, in_tenant, decision, field):
    deal = _deal(world, in_tenant)
    response = client_as(world.acme_manager).post(f"/manage/deals/{deal.pk}/{decision}/", {field: "   "})
    assert response.status_code == 400
    form = response.context["reason_form" if field == "reason" else "question_form"]
    assert form.errors[field] == ["This field is required."]
    assert f'id="id_{field}_error"' in response.content.decode()
    assert refresh(deal).status == S.SUBMITTED


def test_decision_on_a_decided_deal_shows_the_reason(world, client_as, in_tenant):
    deal = _deal(world, in_tenant, status="approved")
    response = client_as(world.acme_manager).post(f"/manage/deals/{deal.pk}/reject/", {"reason": "Too late."})
    assert response.status_code == 400
    assert any("approved deal cannot be rejected" in e for e in response.context["reason_form"].non_field_errors())
    assert refresh(deal).status == S.APPROVED


def test_unknown_decision_is_a_404(world, client_as, in_tenant):
    deal = _deal(world, in_tenant)
    assert client_as(world.acme_manager).post(f"/manage/deals/{deal.pk}/approve-all/", {"reason": "x"}).status_code == 404


# --- the more-information loop ----------------------------------------------------------------------

def test_request_info_then_the_partner_answers_in_a_field_of_its_own(world, client_as, in_tenant,
                                                                    django_capture_on_commit_callbacks, mailoutbox):
    deal = _deal(world, in_tenant, notes="Two sites.")
    response = client_as(world.acme_manager).post(f"/manage/deals/{deal.pk}/request-info/", {"question": "How many seats?"})
    assert _messages(response) == [f"{deal.reference} went back to the partner with your question."]
    assert (refresh(deal).status, refresh(deal).info_question) == (S.MORE_INFO, "How many seats?")
    partner = client_as(world.northwind_rep)
    page = partner.get(f"/portal/deals/{deal.pk}/").content.decode()
    assert "Acme Networks needs more information:</strong> How many seats?" in page
    assert f'href="/portal/deals/{deal.pk}/edit/#id_info_answer">Answer the question</a>' in page

    # The form: the question first, then the answer's own field, then the deal's fields.
    form = partner.get(f"/portal/deals/{deal.pk}/edit/").content.decode()
    question = form.index("Question from Acme Networks")
    assert question < form.index("How many seats?") < form.index('name="info_answer"') < form.index('name="customer_name"')
    assert "Send your answer and submit again" in form

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = partner.post(f"/portal/deals/{deal.pk}/edit/", _form(notes="Two sites.", info_answer="250 seats.",
                                                                         submit="1"))
    assert response.status_code == 302
    deal = refresh(deal)
    # The answer is the answer: the notes are as the partner left them.
    assert (deal.status, deal.info_answer, deal.notes) == (S.SUBMITTED, "250 seats.", "Two sites.")
    with in_tenant(world.acme):
        [provided] = events(deal, "deal.info_provided")
    assert (provided.actor, provided.data) == (world.northwind_rep.user, {"question": "How many seats?", "answer": "250 seats."})
    # The channel managers hear that the answer came, not of a new registration.
    [email] = mailoutbox
    assert email.to == ["manager@acme.example"]
    assert email.subject == f"More information provided for {deal.reference}: Fabrikam, Inc. from Northwind Traders"
    assert "New deal registration" not in email.subject
    assert "Question from Acme Networks:\nHow many seats?" in email.body
    assert "Answer from Northwind Traders:\n250 seats." in email.body
    assert f"/manage/deals/{deal.pk}/" in email.body

    # The vendor's page shows both, in the facts and in the timeline under their own labels.
    detail = client_as(world.acme_manager).get(f"/manage/deals/{deal.pk}/").content.decode()
    facts = detail[detail.index('<dl class="props'):detail.index("</dl>")]
    assert re.search(r"<dt>Question from Acme Networks</dt><dd>How many seats\?</dd>", facts)
    assert re.search(r"<dt>Answer from Northwind Traders</dt><dd>250 seats\.</dd>", facts)
    timeline = detail[detail.index('<ol class="timeline">'):]
    assert re.search(r"<strong>Answer from Northwind Traders</strong>.*?<blockquote class=\"quote[^\"]*\">250 seats\.</blockquote>",
                     timeline, re.DOTALL)
    assert re.search(r"<strong>Question from Acme Networks</strong>.*?<blockquote class=\"quote[^\"]*\">How many seats\?</blockquote>",
                     timeline, re.DOTALL)
    assert timeline.index("Answer from Northwind Traders") < timeline.index("Question from Acme Networks")  # newest first


def test_submitting_again_without_an_answer_is_refused_next_to_the_answer_field(world, client_as, in_tenant):
    deal = _deal(world, in_tenant, status="more_info", customer_name="Tailspin Toys")
    partner = client_as(world.northwind_rep)
    response = partner.post(f"/portal/deals/{deal.pk}/edit/", _form(customer_name="Tailspin", info_answer="  ", submit="1"))
    assert response.status_code == 400
    assert response.context["answer_form"].errors["info_answer"] == [
        "Answer the question from Acme Networks before you submit the deal again."]
    assert 'id="id_info_answer_error"' in response.content.decode()
    deal = refresh(deal)
    assert (deal.status, deal.customer_name) == (S.MORE_INFO, "Tailspin Toys")  # nothing saved
    # The bare submit button is refused the same way.
    refused = partner.post(f"/portal/deals/{deal.pk}/submit/")
    assert _messages(refused) == ["Answer the question from Acme Networks before you submit the deal again."]
    assert refresh(deal).status == S.MORE_INFO


def test_an_answer_saved_without_submitting_waits_with_the_deal(world, client_as, in_tenant, mailoutbox):
    deal = _deal(world, in_tenant, status="more_info")
    partner = client_as(world.northwind_rep)
    mailoutbox.clear()
    response = partner.post(f"/portal/deals/{deal.pk}/edit/", _form(info_answer="Firewalls.", submit="0"))
    assert _messages(response) == [f"{deal.reference} saved. Submit it again when your answer is ready."]
    assert (refresh(deal).status, refresh(deal).info_answer) == (S.MORE_INFO, "Firewalls.")
    assert mailoutbox == []
    form = partner.get(f"/portal/deals/{deal.pk}/edit/")
    assert form.context["answer_form"]["info_answer"].value() == "Firewalls."
    detail = partner.get(f"/portal/deals/{deal.pk}/").content.decode()
    assert "Change your answer" in detail and "Submit for approval" in detail
    partner.post(f"/portal/deals/{deal.pk}/submit/")
    assert refresh(deal).status == S.SUBMITTED


def test_a_second_question_clears_the_answer_and_the_timeline_keeps_both_rounds(world, client_as, in_tenant):
    deal = _deal(world, in_tenant, status="more_info")
    manager, partner = client_as(world.acme_manager), client_as(world.northwind_rep)
    partner.post(f"/portal/deals/{deal.pk}/edit/", _form(info_answer="Firewalls.", submit="1"))
    manager.post(f"/manage/deals/{deal.pk}/request-info/", {"question": "Which sites?"})
    deal = refresh(deal)
    assert (deal.status, deal.info_question, deal.info_answer) == (S.MORE_INFO, "Which sites?", "")
    portal = partner.get(f"/portal/deals/{deal.pk}/").content.decode()
    assert "Not answered yet" in portal
    timeline = portal[portal.index('<ol class="timeline">'):]
    assert re.findall(r"<blockquote class=\"quote[^\"]*\">([^<]*)</blockquote>", timeline) == [
        "Which sites?", "Firewalls.", "Which products?"]
    assert timeline.count("Question from Acme Networks") == 2 and timeline.count("Answer from Northwind Traders") == 1


def test_bulk_approve(world, client_as, in_tenant):
    free_1 = _deal(world, in_tenant, customer_name="Tailspin Toys")
    free_2 = _deal(world, in_tenant, partner="contoso", customer_name="Coho Winery")
    clash_1 = _deal(world, in_tenant, customer_name="Fabrikam", customer_website="fabrikam.example")
    clash_2 = _deal(world, in_tenant, partner="contoso", customer_name="Fabrikam AG", customer_website="fabrikam.example")
    draft = _deal(world, in_tenant, status="draft", customer_name="Trey Research")
    response = client_as(world.acme_manager).post(
        "/manage/deals/queue/approve/", {"deal": [free_1.pk, free_2.pk, clash_1.pk, draft.pk, "nonsense"]}
    )
    assert response.status_code == 302 and response["Location"] == QUEUE
    assert _messages(response) == [
        "Approved 2 deals.", f"{clash_1.reference} not approved: has possible conflicts: review it on its own.",
    ]
    statuses = {d.pk: refresh(d).status for d in (free_1, free_2, clash_1, clash_2, draft)}
    assert statuses == {free_1.pk: S.APPROVED, free_2.pk: S.APPROVED, clash_1.pk: S.SUBMITTED,
                        clash_2.pk: S.SUBMITTED, draft.pk: S.DRAFT}
    nothing = client_as(world.acme_manager).post("/manage/deals/queue/approve/", {})
    assert _messages(nothing) == ["Select the deals to approve first."]


# --- dashboard: rules and product lines ----------------------------------------------------------------

def _rules_form(**overrides):
    data = {"protection_days": "60", "max_extensions": "1", "extension_days": "20", "minimum_value": "5000",
            "approval_sla_hours": "24", "first_approved_wins": "on", "auto_approve_max_value": ""}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_rules_page_is_for_tenant_admins(world, client_as):
    assert client_as(world.acme_admin).get(RULES).status_code == 200
    assert client_as(world.acme_manager).get(RULES).status_code == 403
    assert client_as(world.northwind_admin).get(RULES).status_code == 403


def test_rules_are_saved_and_audited(world, client_as, in_tenant):
    response = client_as(world.acme_admin).post(
        RULES, _rules_form(auto_approve="on", auto_approve_tiers=["Silver"], auto_approve_max_value="30000")
    )
    assert response.status_code == 302 and response["Location"] == RULES
    with in_tenant(world.acme):
        rules = rules_for(world.acme)
        eligible = [tier.name for tier in rules.auto_approve_tiers.all()]
    assert eligible == ["Silver"]
    assert (rules.protection_days, rules.max_extensions, rules.extension_days, rules.approval_sla_hours) == (60, 1, 20, 24)
    assert (rules.minimum_value, rules.auto_approve, rules.auto_approve_max_value) == (
        Decimal("5000"), True, Decimal("30000"),
    )
    assert rules.first_approved_wins
    page = client_as(world.acme_admin).get(RULES).content.decode()
    assert "<strong>Rules changed</strong>" in page  # the change is on the page's timeline
    with in_tenant(world.acme):
        changed = AuditEvent.objects.get(verb="rules.updated").data["changed"]
    assert changed["protection_days"] == ["90", "60"]
    assert changed["auto_approve_tiers"] == ["", "Silver"]


@pytest.mark.parametrize(("overrides", "field", "error"), [
    ({"auto_approve": "on"}, "auto_approve_tiers", "Choose at least one tier, or turn automatic approval off."),
    ({"protection_days": "0"}, "protection_days", "Protection must last at least one day."),
    ({"minimum_value": "-1"}, "minimum_value", "Ensure this value is greater than or equal to 0."),
    ({"auto_approve_tiers": ["Platinum"]}, "auto_approve_tiers", "Select a valid choice. Platinum is not one of the available choices."),
])
def test_rules_validation_errors_next_to_the_field(world, client_as, in_tenant, overrides, field, error):
    response = client_as(world.acme_admin).post(RULES, _rules_form(**overrides))
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [error]
    assert f'id="id_{field}_error"' in response.content.decode()
    with in_tenant(world.acme):
        assert rules_for(world.acme).protection_days == 90  # nothing saved


def test_product_lines_add_and_retire(world, client_as, in_tenant):
    client = client_as(world.acme_manager)
    response = client.post(PRODUCT_LINES, {"name": "SD-WAN"})
    assert response.status_code == 302
    duplicate = client.post(PRODUCT_LINES, {"name": "sd-wan"})
    assert duplicate.status_code == 400
    assert duplicate.context["form"].errors["name"] == ["This product line already exists."]
    empty = client.post(PRODUCT_LINES, {"name": ""})
    assert empty.status_code == 400 and "name" in empty.context["form"].errors
    line = ProductLine.unscoped.get(tenant=world.acme)
    assert line.name == "SD-WAN"

    assert client.post(f"{PRODUCT_LINES}{line.pk}/toggle/").status_code == 302
    assert not ProductLine.unscoped.get(pk=line.pk).is_active
    assert "retired" in client.get(PRODUCT_LINES).content.decode()
    assert "SD-WAN" not in client_as(world.northwind_rep).get(NEW).content.decode()
    client.post(f"{PRODUCT_LINES}{line.pk}/toggle/")
    assert ProductLine.unscoped.get(pk=line.pk).is_active
    assert "SD-WAN" in client_as(world.northwind_rep).get(NEW).content.decode()


def test_a_retired_product_line_stays_on_existing_deals(world, client_as, in_tenant):
    with in_tenant(world.acme):
        line = ProductLine.objects.create(tenant=world.acme, name="Routers")
    deal = _deal(world, in_tenant, products=[line])
    client_as(world.acme_manager).post(f"{PRODUCT_LINES}{line.pk}/toggle/")
    with in_tenant(world.acme):
        assert list(refresh(deal).products.values_list("name", flat=True)) == ["Routers"]


# --- dashboard: list and exports -----------------------------------------------------------------------

HOSTILE = ['=HYPERLINK("http://evil.example","Click")', "+1", "@SUM(A1:A2)", "-2+3", "=1+1"]


@pytest.fixture
def export_world(world, in_tenant):
    deals = {
        "tailspin": _deal(world, in_tenant, customer_name="Tailspin Toys"),
        "coho": _deal(world, in_tenant, partner="contoso", status="approved", customer_name="Coho Winery"),
        "draft": _deal(world, in_tenant, status="draft", customer_name="Trey Research"),
    }
    for i, name in enumerate(HOSTILE):
        deals[f"hostile{i}"] = _deal(world, in_tenant, status="draft", customer_name=name,
                                     customer_website=f"hostile{i}.example", contact_name="=cmd|' /C calc'!A0")
    with in_tenant(world.globex):
        make_deal(world.initech, by=world.initech_admin.user, customer_name="Globex Secret Customer")
    return deals


def _csv_rows(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _xlsx_rows(response):
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Deals"
    header, *rows = [[cell for cell in row] for row in sheet.iter_rows()]
    names = [cell.value for cell in header]
    return [dict(zip(names, row)) for row in rows]


def test_dashboard_list_filters(world, client_as, export_world):
    client = client_as(world.acme_manager)
    every = client.get("/manage/deals/")
    assert every.status_code == 200
    assert every.context["paginator"].count == 8  # not globex's
    assert b"Globex Secret Customer" not in every.content
    approved = client.get("/manage/deals/", {"status": "approved"})
    assert [d.customer_name for d in approved.context["deals"]] == ["Coho Winery"]
    by_partner = client.get("/manage/deals/", {"partner": world.contoso.pk})
    assert [d.customer_name for d in by_partner.context["deals"]] == ["Coho Winery"]
    by_text = client.get("/manage/deals/", {"q": "tailspin"})
    assert [d.customer_name for d in by_text.context["deals"]] == ["Tailspin Toys"]
    assert "status=approved" in approved.context["querystring"]


def test_csv_export(world, client_as, export_world):
    response = client_as(world.acme_manager).get("/manage/deals/export.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="acme-deals-')
    rows = _csv_rows(response)
    assert len(rows) == 8
    assert "Globex Secret Customer" not in response.content.decode()
    tailspin = next(r for r in rows if r["Customer"] == "Tailspin Toys")
    deal = refresh(export_world["tailspin"])
    assert (tailspin["Reference"], tailspin["Status"], tailspin["Partner"], tailspin["Value"], tailspin["Currency"]) == (
        deal.reference, "Submitted", "Northwind Traders", "25000.00", "USD",
    )
    assert tailspin["Submitted"] == deal.submitted_at.astimezone(ZoneInfo(world.acme.time_zone)).replace(microsecond=0).isoformat()
    coho = next(r for r in rows if r["Customer"] == "Coho Winery")
    assert coho["Decided by"] == "manager@acme.example"


@pytest.mark.parametrize(("params", "customers"), [
    ({"status": "approved"}, ["Coho Winery"]),
    ({"status": "submitted"}, ["Tailspin Toys"]),
    ({"q": "tailspin"}, ["Tailspin Toys"]),
    ({"partner": "contoso"}, ["Coho Winery"]),
    ({"partner": "contoso", "status": "draft"}, []),
])
def test_exports_are_filtered(world, client_as, export_world, params, customers):
    if "partner" in params:
        params = {**params, "partner": getattr(world, params["partner"]).pk}
    client = client_as(world.acme_manager)
    assert [r["Customer"] for r in _csv_rows(client.get("/manage/deals/export.csv", params))] == customers
    assert [r["Customer"].value for r in _xlsx_rows(client.get("/manage/deals/export.xlsx", params))] == customers


def test_csv_export_neutralises_formulas(world, client_as, export_world):
    rows = _csv_rows(client_as(world.acme_manager).get("/manage/deals/export.csv", {"status": "draft"}))
    customers = {r["Customer"] for r in rows}
    for name in HOSTILE:
        assert "'" + name in customers
        assert name not in customers
    assert {r["Contact"] for r in rows if r["Customer"].startswith("'")} == {"'=cmd|' /C calc'!A0"}
    assert all(not r[c].startswith(("=", "+", "-", "@")) for r in rows for c in r if r[c])


def test_xlsx_export_neutralises_formulas(world, client_as, export_world):
    rows = _xlsx_rows(client_as(world.acme_manager).get("/manage/deals/export.xlsx"))
    assert len(rows) == 8
    customers = {r["Customer"].value: r["Customer"] for r in rows}
    for name in HOSTILE:
        cell = customers["'" + name]
        assert cell.data_type == "s"  # text, never a formula
    for row in rows:
        for cell in row.values():
            assert cell.data_type != "f"
            if isinstance(cell.value, str):
                assert not cell.value.startswith(("=", "+", "-", "@"))
    tailspin = next(r for r in rows if r["Customer"].value == "Tailspin Toys")
    assert tailspin["Value"].value == 25000
    assert datetime.fromisoformat(tailspin["Submitted"].value) == refresh(export_world["tailspin"]).submitted_at.replace(microsecond=0)


def test_export_format_and_access(world, client_as):
    assert client_as(world.acme_manager).get("/manage/deals/export.pdf").status_code == 404
    assert client_as(world.northwind_rep).get("/manage/deals/export.csv").status_code == 403


def test_dashboard_timeline_shows_the_audit_trail(world, client_as, in_tenant):
    deal = _deal(world, in_tenant, status="approved")
    with in_tenant(world.acme):
        assert [e.verb for e in events(deal)] == ["deal.created", "deal.submit", "deal.approve"]
    response = client_as(world.acme_manager).get(f"/manage/deals/{deal.pk}/")
    assert [e.verb for e in response.context["events"]] == ["deal.approve", "deal.submit", "deal.created"]


def test_queue_reads_snapshots_so_its_query_count_does_not_grow_with_conflicts(world, client_as, in_tenant,
                                                                               django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    manager = client_as(world.acme_manager)
    with django_capture_on_commit_callbacks(execute=True):
        _deal(world, in_tenant, customer_name="Tailspin Toys")
    manager.get(QUEUE)  # warm the session
    with CaptureQueriesContext(connection) as few:
        manager.get(QUEUE)
    with django_capture_on_commit_callbacks(execute=True):
        for k in range(6):
            _deal(world, in_tenant, partner="contoso" if k % 2 else "northwind",
                  customer_name=f"Fabrikam {k}", customer_website="fabrikam.example")
    with CaptureQueriesContext(connection) as many:
        page = manager.get(QUEUE)
    assert "same domain fabrikam.example" in page.content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)


def test_partners_are_filtered_by_name_not_a_drop_down(world, client_as, in_tenant):
    _deal(world, in_tenant, customer_name="Tailspin Toys")
    _deal(world, in_tenant, partner="contoso", customer_name="Coho Winery")
    manager = client_as(world.acme_manager)
    page = manager.get("/manage/deals/").content.decode()
    assert '<select name="partner"' not in page and 'name="partner_name"' in page
    filtered = manager.get("/manage/deals/?partner_name=conto").content.decode()
    assert "Coho Winery" in filtered and "Tailspin Toys" not in filtered
    by_id = manager.get(f"/manage/deals/?partner={world.northwind.pk}").content.decode()
    assert "Tailspin Toys" in by_id and "Coho Winery" not in by_id
