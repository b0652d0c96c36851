"""MDF return on investment: the partner names the activity that produced a deal on the deal form (a
question mdf adds through dealreg.deal_fields), and the dashboard's ROI page counts each activity's
leads, registered and won deals against what was spent, by activity type and in total."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dealreg import services as deal_services
from dealreg.models import Deal
from mdf import claims
from mdf.attribution import activity_deal_set
from mdf.models import ActivityDeal, FundRequest
from mdf.periods import fiscal_year_label, fiscal_year_of
from mdf.roi import activity_roi
from prm.audit.models import AuditEvent
from prm.tenancy.context import tenant_context
from tests.dealreg.helpers import deal_fields, make_deal, set_rules

from .helpers import activity, allocation, approved_request, ended, funded_budget, key, pdf, submitted_request

D = Decimal
NEW = "/portal/deals/new/"


def _form(**overrides):
    data = {"customer_name": "Fabrikam, Inc.", "customer_website": "https://www.fabrikam.example",
            "contact_name": "Jane Buyer", "contact_email": "jane@fabrikam.example", "value": "25000", "currency": "USD",
            "expected_close_date": (timezone.localdate() + timedelta(days=30)).isoformat(), "submit": "0"}
    return {**data, **overrides}


@pytest.fixture
def funds(world):
    with tenant_context(world.acme):
        budget = funded_budget(world.acme, world.acme_admin.user, "20000")
        allocation(budget, world.northwind, world.acme_admin.user, "6000")
        allocation(budget, world.contoso, world.acme_admin.user, "5000")
    return budget


@pytest.fixture
def activities(world, funds):
    """Northwind's roadshow that took place, one not started yet and one still waiting for a decision;
    Contoso's webinar that took place."""
    admin = world.acme_admin.user
    with tenant_context(world.acme):
        return {
            "roadshow": ended(approved_request(world.northwind, admin, title="Spring roadshow")),
            "future": approved_request(world.northwind, admin, title="Autumn fair", requested_amount=D("500")),
            "waiting": ended(submitted_request(world.northwind, admin, title="Winter webinar")),
            "contoso": ended(approved_request(world.contoso, admin, title="Contoso webinar")),
        }


# --- the deal form's question ----------------------------------------------------------------------------

def test_the_question_appears_only_for_a_partner_with_a_funded_activity_that_started(world, client_as, activities):
    form = client_as(world.northwind_rep).get(NEW).context["form"]
    field = form.fields["mdf_activity"]
    assert not field.required
    offered = [label for pk, label in field.choices if pk]
    assert len(offered) == 1 and offered[0].startswith("Spring roadshow (")  # not the future one, not the waiting one
    # Contoso's own activity is Contoso's; a partner without one is not asked at all.
    contoso = client_as(world.contoso_rep).get(NEW).context["form"]
    assert [label for pk, label in contoso.fields["mdf_activity"].choices if pk][0].startswith("Contoso webinar")
    with tenant_context(world.acme):  # its only activity called off: nothing to name
        FundRequest.objects.filter(partner=world.contoso).update(status="cancelled")
    response = client_as(world.contoso_rep).get(NEW)
    assert "mdf_activity" not in response.context["form"].fields
    assert b'name="mdf_activity"' not in response.content


def test_a_deal_registered_with_an_activity_is_linked_to_it_and_its_page_says_so(world, client_as, activities):
    rep = client_as(world.northwind_rep)
    response = rep.post(NEW, _form(mdf_activity=activities["roadshow"].pk))
    assert response.status_code == 302
    with tenant_context(world.acme):
        deal = Deal.objects.get(customer_name="Fabrikam, Inc.")
        link = ActivityDeal.objects.get(deal=deal)
        assert link.fund_request == activities["roadshow"] and link.tenant == world.acme
    assert AuditEvent.unscoped.filter(verb="fund_request.deal_attributed", target_id=str(activities["roadshow"].pk),
                                      data__deal=deal.reference).exists()
    page = rep.get(reverse("dealreg:portal_detail", args=[deal.pk])).content.decode()
    assert "MDF activity" in page and "Spring roadshow" in page
    staff_page = client_as(world.acme_manager).get(reverse("dealreg:dashboard_detail", args=[deal.pk])).content.decode()
    assert "Spring roadshow" in staff_page


def test_a_refused_submit_leaves_neither_the_deal_nor_its_link(world, client_as, activities):
    with tenant_context(world.acme):
        set_rules(world.acme, minimum_value=D("100000"))
    response = client_as(world.northwind_rep).post(NEW, _form(mdf_activity=activities["roadshow"].pk, submit="1"))
    assert response.status_code == 400
    with tenant_context(world.acme):
        assert not Deal.objects.exists() and not ActivityDeal.objects.exists()
    assert not AuditEvent.unscoped.filter(verb="fund_request.deal_attributed").exists()


def test_a_deal_without_an_activity_has_no_link(world, client_as, activities):
    assert client_as(world.northwind_rep).post(NEW, _form(mdf_activity="")).status_code == 302
    with tenant_context(world.acme):
        assert Deal.objects.filter(customer_name="Fabrikam, Inc.").exists()
        assert not ActivityDeal.objects.exists()


@pytest.mark.parametrize("which", ["contoso", "waiting", "future"])
def test_another_partners_or_an_unapproved_or_unoffered_activity_is_refused_next_to_the_field(world, client_as,
                                                                                           activities, which):
    response = client_as(world.northwind_rep).post(NEW, _form(mdf_activity=activities[which].pk, submit="1"))
    assert response.status_code == 400
    assert response.context["form"].errors["mdf_activity"] == [
        "Choose one of your approved activities of the last 12 months, or none of them."]
    with tenant_context(world.acme):
        assert not Deal.objects.filter(customer_name="Fabrikam, Inc.").exists()
        assert not ActivityDeal.objects.exists()


def test_the_service_refuses_a_foreign_or_unapproved_request_and_the_registration_rolls_back(world, activities):
    rep = world.northwind_rep.user
    with tenant_context(world.acme):
        for request, words in ((activities["contoso"], "partner that registered"), (activities["waiting"], "not approved")):
            with pytest.raises(ValidationError) as refused:
                deal_services.deal_create(partner=world.northwind, actor=rep, extra={"mdf_activity": request},
                                          **deal_fields())
            assert words in " ".join(refused.value.message_dict["mdf_activity"])
        assert not Deal.objects.exists() and not ActivityDeal.objects.exists()
        deal = make_deal(world.northwind, by=rep)
        with pytest.raises(ValidationError, match="partner that registered"):
            activity_deal_set(deal=deal, fund_request=activities["contoso"], actor=rep)


def test_editing_a_deal_keeps_changes_or_removes_its_activity(world, client_as, activities):
    rep = client_as(world.northwind_rep)
    with tenant_context(world.acme):
        deal = make_deal(world.northwind, by=world.northwind_rep.user)
        activity_deal_set(deal=deal, fund_request=activities["roadshow"], actor=world.northwind_rep.user)
    edit = reverse("dealreg:portal_edit", args=[deal.pk])
    assert rep.get(edit).context["form"]["mdf_activity"].value() == activities["roadshow"].pk
    data = _form(customer_name=deal.customer_name, customer_website=deal.customer_website,
                 contact_email=deal.contact_email, mdf_activity="")
    assert rep.post(edit, data).status_code == 302
    with tenant_context(world.acme):
        assert not ActivityDeal.objects.filter(deal=deal).exists()
    assert AuditEvent.unscoped.filter(verb="fund_request.deal_unattributed", data__deal=deal.reference).exists()


# --- the figures -------------------------------------------------------------------------------------

@pytest.fixture
def results(world, funds):
    """Hand-computed. Northwind's roadshow (Event): approved 3,000; claims 2,000 paid (30 leads), 500 approved
    unpaid (5 leads), 100 rejected (100 leads, not counted) → spent 2,500, 35 leads. Its deals: won 16,000,
    won 4,000 EUR (counted, value left out), approved 10,000, a draft of 99,999 (not registered yet).
    Northwind's booth (Event): approved 1,000, claimed and paid in full (10 leads; it closes); a lost deal of 7,000.
    Contoso's webinar (Webinar): approved 1,000, nothing claimed; a won deal of 5,000.
    A request still waiting for a decision has a deal too (it is no activity yet), and last fiscal year's
    fair (approved 500) has a won deal of 9,000."""
    admin, manager = world.acme_admin.user, world.acme_manager.user
    nw, co = world.northwind_rep.user, world.contoso_rep.user
    with tenant_context(world.acme):
        roadshow = ended(approved_request(world.northwind, admin, total_cost=D("6000"), requested_amount=D("3000"),
                                          title="Spring roadshow", expected_leads=40))
        booth = ended(approved_request(world.northwind, admin, title="Trade fair booth", expected_leads=40))
        webinar = ended(approved_request(world.contoso, admin, title="Cloud webinar", expected_leads=25,
                                         activity_type=activity(world.acme, "Webinar")))
        waiting = ended(submitted_request(world.northwind, admin, title="Waiting request"))
        last_year = approved_request(world.northwind, admin, title="Last year's fair", requested_amount=D("500"))
        day = date(fiscal_year_of(roadshow.starts_on, 1) - 1, 6, 1)
        FundRequest.objects.filter(pk=last_year.pk).update(starts_on=day, ends_on=day + timedelta(days=1))

        def claim(request, amount, leads, then):
            c = claims.claim_submit(request=request, actor=nw, key=key(), amount=D(amount), proofs=[pdf()], leads=leads)
            if then == "reject":
                return claims.claim_reject(claim=c, actor=manager, key=key(), reason="No proof of the leads.")
            c = claims.claim_approve(claim=c, actor=manager, key=key())
            if then == "pay":
                claims.payment_record(claim=c, actor=manager, key=key(), paid_on=timezone.localdate(), method="transfer")

        claim(roadshow, "2000", 30, "pay")
        claim(roadshow, "500", 5, "approve")
        claim(roadshow, "100", 100, "reject")
        claim(booth, "1000", 10, "pay")

        def deal(partner, by, status, value, request, currency="USD"):
            made = make_deal(partner, by=by, status=status, staff=manager, value=D(value), currency=currency)
            activity_deal_set(deal=made, fund_request=request, actor=by)

        deal(world.northwind, nw, "won", "16000", roadshow)
        deal(world.northwind, nw, "won", "4000", roadshow, currency="EUR")
        deal(world.northwind, nw, "approved", "10000", roadshow)
        deal(world.northwind, nw, "draft", "99999", roadshow)
        deal(world.northwind, nw, "lost", "7000", booth)
        deal(world.contoso, co, "won", "5000", webinar)
        deal(world.northwind, nw, "won", "9000", last_year)
        made = make_deal(world.northwind, by=nw, status="won", staff=manager, value=D("50000"))
        ActivityDeal.objects.create(tenant=world.acme, fund_request=waiting, deal=made)  # as if approved once
    return {"roadshow": roadshow, "booth": booth, "webinar": webinar, "last_year": last_year,
            "year": fiscal_year_of(roadshow.starts_on, 1)}


def test_the_figures_per_activity_per_type_and_in_total(world, results):
    with tenant_context(world.acme):
        report = activity_roi(world.acme, fiscal_year=results["year"])
    rows = {row.request.title: row for row in report.activities}
    assert set(rows) == {"Spring roadshow", "Trade fair booth", "Cloud webinar"}
    roadshow = rows["Spring roadshow"]
    assert (roadshow.expected_leads, roadshow.leads, roadshow.spent) == (40, 35, D("2500.00"))
    assert (roadshow.registered, roadshow.registered_value, roadshow.other_currency) == (3, D("26000.00"), 1)
    assert (roadshow.won, roadshow.won_value) == (2, D("16000.00"))
    assert (roadshow.won_per_unit, roadshow.registered_per_unit, roadshow.cost_per_lead) == (D("6.40"), D("10.40"), D("71.43"))
    booth = rows["Trade fair booth"]
    assert booth.request.status == "closed"
    assert (booth.leads, booth.spent, booth.registered, booth.won, booth.won_per_unit) == (10, D("1000.00"), 1, 0, D("0.00"))
    webinar = rows["Cloud webinar"]
    assert (webinar.spent, webinar.won, webinar.won_value, webinar.won_per_unit, webinar.cost_per_lead) == (
        D("0.00"), 1, D("5000.00"), None, None)
    assert [(t.name, t.activities, t.spent, t.won_value, t.won_per_unit) for t in report.types] == [
        ("Event", 2, D("3500.00"), D("16000.00"), D("4.57")), ("Webinar", 1, D("0.00"), D("5000.00"), None)]
    event = report.types[0]
    assert (event.expected_leads, event.leads, event.registered, event.registered_value) == (80, 45, 4, D("33000.00"))
    total = report.total
    assert (total.spent, total.won, total.won_value, total.won_per_unit, total.registered, total.other_currency) == (
        D("3500.00"), 3, D("21000.00"), D("6.00"), 5, 1)
    assert report.currency == "USD"


def test_the_fiscal_year_selects_activities_by_their_start(world, results):
    with tenant_context(world.acme):
        last = activity_roi(world.acme, fiscal_year=results["year"] - 1)
        everything = activity_roi(world.acme)
    assert [row.request.title for row in last.activities] == ["Last year's fair"]
    assert (last.total.won_value, last.total.spent, last.total.won_per_unit) == (D("9000.00"), D("0.00"), None)
    assert len(everything.activities) == 4 and everything.total.won_value == D("30000.00")


def test_the_page_shows_each_ratio_with_what_it_is_made_of_and_filters_by_year(world, client_as, results):
    staff = client_as(world.acme_manager)
    home = staff.get(reverse("mdf:dashboard")).content.decode()
    assert reverse("mdf:roi") in home
    html = staff.get(reverse("mdf:roi")).content.decode()
    assert "Spring roadshow" in html and "Last year&#x27;s fair" not in html
    assert "6.40 per 1 USD spent" in html and "($16,000 won of $2,500 spent)" in html
    assert "4.57 per 1 USD spent" in html and "($16,000 won of $3,500 spent)" in html
    assert "35 of 40 expected" in html and "$26,000 in 3 deals" in html and "$71.43 spent per lead" in html
    assert "Nothing spent yet" in html and "1 deal registered in another currency than USD" in html
    # The chart beside the table: each activity type's bar against the best one (Event's 4.57).
    assert '<meter min="0" max="4.57" value="4.57"' in html
    # This fiscal year is still running: its figures are "so far" (the activities' year is this one but
    # on the first days of a fiscal year).
    assert ("data-so-far" in html) == (results["year"] == fiscal_year_of(timezone.localdate(), 1))
    earlier = staff.get(reverse("mdf:roi"), {"year": results["year"] - 1}).content.decode()
    assert "Last year&#x27;s fair" in earlier and "Spring roadshow" not in earlier and "data-so-far" not in earlier
    everything = staff.get(reverse("mdf:roi"), {"year": ""}).content.decode()
    assert "Last year&#x27;s fair" in everything and "Spring roadshow" in everything
    # An unknown year shows the default year, never an error.
    fallback = staff.get(reverse("mdf:roi"), {"year": "1999"})
    assert fallback.status_code == 200 and "Spring roadshow" in fallback.content.decode()
    assert f'<option value="{results["year"]}" selected>{fiscal_year_label(results["year"])}' in html


def test_the_page_without_activities_says_so(world, client_as):
    response = client_as(world.acme_manager).get(reverse("mdf:roi"))
    assert response.status_code == 200 and "No approved or closed fund requests yet." in response.content.decode()


def test_the_export_has_the_activity_table_with_numbers(world, client_as, results):
    response = client_as(world.acme_manager).get(reverse("mdf:roi_export", kwargs={"fmt": "csv"}),
                                                 {"year": results["year"]})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith(f'attachment; filename="acme-mdf-roi-fy{results["year"]}-')
    frame = pd.read_csv(io.StringIO(response.content.decode()))
    roadshow = frame[frame["Activity"] == "Spring roadshow"].iloc[0]
    assert roadshow["Won value (USD)"] == 16000.0 and roadshow["Spent (USD)"] == 2500.0
    assert roadshow["Won value per 1 USD spent"] == 6.4 and roadshow["Leads (accepted claims)"] == 35
    assert pd.isna(frame[frame["Activity"] == "Cloud webinar"].iloc[0]["Won value per 1 USD spent"])  # nothing spent
    assert set(frame["Activity"]) == {"Spring roadshow", "Trade fair booth", "Cloud webinar"}
