"""The portal home sums up what waits for the partner: its deals and its customers' satisfaction,
its own only, each figure linking to the page behind it."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from dealreg.models import Deal
from surveys import rankings, services as survey_services
from surveys.models import FollowUpCase
from tests.dealreg.helpers import make_deal
from tests.surveys.helpers import bulk_answers, make_invitation, make_survey, set_settings

HOME = "/portal/"


def tiles(html):
    """{label: (value, link, needs attention)} of the stat tiles on a page."""
    found = re.findall(r'<a class="stat( stat--attention)?" href="([^"]*)"><span class="stat__value">([^<]*)</span>'
                       r'<span class="stat__label">([^<]*)</span></a>', html)
    return {label: (value, link.replace("&amp;", "&"), bool(attention)) for attention, link, value, label in found}


@pytest.fixture
def busy_northwind(world, in_tenant):
    """Northwind: 1 deal waiting for review and 1 waiting for Northwind's answer, 2 protected (one
    ending in 5 days), a ranked NPS and two follow-ups (one overdue). Contoso has deals and a case of its own."""
    with in_tenant(world.acme):
        make_deal(world.northwind, by=world.northwind_rep.user)  # a draft: not waiting for anyone
        make_deal(world.northwind, by=world.northwind_rep.user, status="submitted")
        make_deal(world.northwind, by=world.northwind_rep.user, status="more_info", staff=world.acme_manager.user)
        make_deal(world.northwind, by=world.northwind_rep.user, status="approved", staff=world.acme_manager.user)
        ending = make_deal(world.northwind, by=world.northwind_rep.user, status="approved", staff=world.acme_manager.user)
        Deal.objects.filter(pk=ending.pk).update(protected_until=timezone.now() + timedelta(days=5))
        for status in ("submitted", "approved", "approved"):
            make_deal(world.contoso, by=world.contoso_rep.user, status=status, staff=world.acme_manager.user)

        set_settings(world.acme, minimum_answers=3, ghost_answers=0)
        survey = make_survey(world.acme, "NPS")
        today = timezone.now()
        bulk_answers(survey, world.northwind, [10, 10, 9, 7, 3], today)  # NPS 100 * (3 - 1) / 5 = +40
        bulk_answers(survey, world.contoso, [10, 10, 10], today)        # NPS +100: Northwind is 2nd of 2
        rankings.run_rankings(tenant=world.acme, run_date=today.date())
        for partner, email in ((world.northwind, "a@fabrikam.example"), (world.northwind, "b@fabrikam.example"),
                               (world.contoso, "c@tailspin.example")):
            survey_services.answer_record(invitation=make_invitation(survey, partner, email), score=2)
        overdue = FollowUpCase.objects.filter(partner=world.northwind).first()
        FollowUpCase.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - timedelta(hours=1))
    return world


@pytest.mark.parametrize("member", ["northwind_rep", "northwind_admin"])
def test_the_home_page_shows_the_partners_own_deals_score_and_follow_ups(busy_northwind, client_as, member):
    html = client_as(getattr(busy_northwind, member)).get(HOME).content.decode()
    shown = tiles(html)

    assert shown["deal waiting for review"] == ("1", "/portal/deals/?status=submitted", False)
    assert shown["deal needing your answer"] == ("1", "/portal/deals/?status=more_info", True)
    assert shown["protected deals"] == ("2", "/portal/deals/?protection=protected", False)
    assert shown["protection ending within 14 days"] == ("1", "/portal/deals/?protection=ending", True)
    assert shown["NPS, 2nd of 2"] == ("+40", "/portal/nps/", False)
    assert shown["open follow-ups with unhappy customers"] == ("2", "/portal/follow-ups/?state=open", False)
    assert shown["follow-up overdue"] == ("1", "/portal/follow-ups/?state=overdue", True)


def test_a_partner_without_deals_or_answers_sees_zeros_and_no_score(world, client_as):
    shown = tiles(client_as(world.contoso_rep).get(HOME).content.decode())
    assert shown["deals waiting for review"][0] == "0"
    assert shown["NPS: no answers in the window yet"] == ("—", "/portal/nps/", False)
    assert shown["follow-ups overdue"] == ("0", "/portal/follow-ups/?state=overdue", False)


def test_a_score_below_the_minimum_shows_without_a_rank(world, in_tenant, client_as):
    with in_tenant(world.acme):
        set_settings(world.acme, minimum_answers=30)
        bulk_answers(make_survey(world.acme), world.northwind, [10, 8], timezone.now())
        rankings.run_rankings(tenant=world.acme, run_date=date.today())
    shown = tiles(client_as(world.northwind_rep).get(HOME).content.decode())
    assert shown["NPS from 2 answers (not ranked yet)"] == ("+50", "/portal/nps/", False)


def test_each_follow_up_tile_counts_the_rows_its_link_lists(busy_northwind, client_as):
    client = client_as(busy_northwind.northwind_rep)
    shown = tiles(client.get(HOME).content.decode())
    for label in ("open follow-ups with unhappy customers", "follow-up overdue"):
        value, link, _attention = shown[label]
        listed = client.get(link).content.decode()
        rows = re.findall(r'href="/portal/follow-ups/\d+/"', listed)
        assert len(rows) == int(value), (label, link)
        assert "Contoso" not in listed and "c@tailspin.example" not in listed


def test_the_follow_up_list_filters_by_state_and_says_when_none_match(busy_northwind, client_as):
    client = client_as(busy_northwind.acme_manager)
    closed = client.get("/manage/nps/follow-ups/?state=closed").content.decode()
    assert "No cases in this state." in closed and 'aria-current="page">Closed' in closed
    every = client.get("/manage/nps/follow-ups/?state=bogus").content.decode()
    assert len(re.findall(r'href="/manage/nps/follow-ups/\d+/"', every)) == 3  # an unknown state lists every case
