"""The dashboard's budget utilisation by partner, activity type and fiscal year: every figure against
hand-computed data, the chart's segments, the filters, the export, and nothing of another tenant."""

import io
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
from django.urls import reverse

from mdf import claims
from mdf.utilisation import BY_ACTIVITY, BY_PARTNER, BY_YEAR, utilisation
from prm.tenancy.context import tenant_context

from .helpers import activity, allocation, approved_request, ended, funded_budget, key, pdf, this_year

D = Decimal


@pytest.fixture
def program(world):
    """Acme this year: Northwind allocated 5,000 (an event approved 1,000, claimed 800 and paid; a
    webinar approved 500), Contoso 3,000 (an event approved 600, claimed in full, not paid); last year
    Northwind had 1,000 it never used. Globex gives its own partner 9,999."""
    manager, admin = world.acme_manager.user, world.acme_admin.user
    with tenant_context(world.acme):
        year = this_year(world.acme)
        budget = funded_budget(world.acme, admin, "20000")
        allocation(budget, world.northwind, admin, "5000")
        allocation(budget, world.contoso, admin, "3000")
        event = ended(approved_request(world.northwind, admin, amount="1000", title="Roadshow"))
        paid = claims.claim_approve(claim=claims.claim_submit(request=event, actor=world.northwind_rep.user, key=key(),
                                                              amount=D("800"), proofs=[pdf()]),
                                    actor=manager, key=key())
        claims.payment_record(claim=paid, actor=manager, key=key(), paid_on=paid.created_at.date(), method="transfer",
                              reference="PAY-1")
        approved_request(world.northwind, admin, amount="500", title="Webinar", activity_type=activity(world.acme, "Webinar"))
        fair = ended(approved_request(world.contoso, admin, amount="600", title="Trade fair"))
        claims.claim_approve(claim=claims.claim_submit(request=fair, actor=world.contoso_rep.user, key=key(),
                                                       amount=D("600"), proofs=[pdf()]), actor=manager, key=key())
        allocation(funded_budget(world.acme, admin, "1000", year=year - 1), world.northwind, admin, "1000")
    with tenant_context(world.globex):
        allocation(funded_budget(world.globex, world.globex_admin.user, "9999"), world.initech,
                   world.globex_admin.user, "9999")
    return year


def figures(row):
    return (row.label, row.base, row.encumbered, row.claimed, row.paid, row.expired, row.available, row.used_percent)


def test_by_partner_each_allocation_splits_into_what_it_holds_spends_and_has_left(world, program):
    with tenant_context(world.acme):
        report = utilisation(BY_PARTNER, program)
    assert [figures(row) for row in report.rows] == [
        ("Northwind Traders", D("5000"), D("700"), D("0"), D("800"), D("0"), D("3500"), D("16.0")),
        ("Contoso Integration", D("3000"), D("0"), D("600"), D("0"), D("0"), D("2400"), D("20.0")),
    ]
    assert figures(report.total)[1:] == (D("8000"), D("700"), D("600"), D("800"), D("0"), D("5900"), D("17.5"))


def test_by_activity_type_an_approved_request_encumbers_what_is_not_claimed_yet(world, program):
    with tenant_context(world.acme):
        report = utilisation(BY_ACTIVITY, program)
    assert [figures(row) for row in report.rows] == [
        ("Event", D("1600"), D("200"), D("600"), D("800"), D("0"), D("0"), D("87.5")),
        ("Webinar", D("500"), D("500"), D("0"), D("0"), D("0"), D("0"), D("0.0")),
    ]
    assert figures(report.total)[1:] == (D("2100"), D("700"), D("600"), D("800"), D("0"), D("0"), D("66.7"))


def test_by_year_every_fiscal_year_is_a_row_newest_first(world, program):
    with tenant_context(world.acme):
        report = utilisation(BY_YEAR, program)
    assert report.fiscal_year is None
    assert [(row.key, row.base, row.available) for row in report.rows] == [(program, D("8000"), D("5900")),
                                                                          (program - 1, D("1000"), D("1000"))]
    assert report.total.base == D("9000")


def test_the_chart_stacks_paid_claimed_encumbered_and_available_as_shares_of_the_base(world, program):
    with tenant_context(world.acme):
        northwind = utilisation(BY_PARTNER, program).rows[0]
    assert [(s.name, s.x, s.width) for s in northwind.segments()] == [
        ("paid", 0.0, 16.0), ("encumbered", 16.0, 14.0), ("available", 30.0, 70.0)]


def test_the_page_shows_the_table_and_chart_of_the_selection(world, client_as, program):
    staff = client_as(world.acme_manager)
    html = staff.get(reverse("mdf:utilisation")).content.decode()
    assert 'data-row="Northwind Traders"' in html and "$3,500.00" in html and "16.0%" in html
    assert "17.5%" in html and "$1,400" in html  # the total used, with what it is made of
    assert 'data-segment="paid"' in html and "Initech" not in html and "9,999" not in html
    last_year = staff.get(reverse("mdf:utilisation"), {"by": BY_PARTNER, "year": program - 1}).content.decode()
    assert "$1,000.00" in last_year and "Contoso" not in last_year
    by_activity = staff.get(reverse("mdf:utilisation"), {"by": BY_ACTIVITY, "year": program}).content.decode()
    assert 'data-row="Webinar"' in by_activity and "87.5%" in by_activity and "Expired" not in by_activity


def test_an_unknown_grouping_or_year_shows_the_default_selection(world, client_as, program):
    html = client_as(world.acme_manager).get(reverse("mdf:utilisation"), {"by": "sql", "year": "1999"}).content.decode()
    assert 'data-row="Contoso Integration"' in html and "$8,000" in html


def test_the_export_has_the_rows_and_the_total_as_numbers(world, client_as, program):
    staff = client_as(world.acme_manager)
    csv = staff.get(reverse("mdf:utilisation_export", args=["csv"]), {"by": BY_PARTNER, "year": program})
    frame = pd.read_csv(io.BytesIO(b"".join(csv.streaming_content) if csv.streaming else csv.content))
    assert list(frame["Partner"]) == ["Northwind Traders", "Contoso Integration", "Total"]
    assert list(frame["Available"]) == [3500.0, 2400.0, 5900.0] and list(frame["Used (%)"]) == [16.0, 20.0, 17.5]
    xlsx = staff.get(reverse("mdf:utilisation_export", args=["xlsx"]), {"by": BY_ACTIVITY, "year": program})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Activity type", "Approved") and rows[1][:2] == ("Event", 1600)
    assert rows[-1][0] == "Total"


def test_a_grouping_without_a_year_shows_this_fiscal_year_and_an_empty_year_every_year(world, client_as, program):
    staff = client_as(world.acme_manager)
    this_year = staff.get(reverse("mdf:utilisation"), {"by": BY_PARTNER}).content.decode()
    assert "$8,000.00" in this_year and "$9,000.00" not in this_year
    every_year = staff.get(reverse("mdf:utilisation"), {"by": BY_PARTNER, "year": ""}).content.decode()
    assert "$9,000.00" in every_year  # the total: 8,000 this year and 1,000 last year
