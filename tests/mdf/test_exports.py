"""MDF payments for finance: the list's period and partner filters, and the CSV/XLSX export of the
same selection with spreadsheet formulas neutralised."""

import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
from django.urls import reverse
from django.utils import timezone

from mdf import claims
from prm.tenancy.context import tenant_context

from .helpers import allocation, approved_request, ended, funded_budget, key, pdf

D = Decimal


@pytest.fixture
def staff(world, client_as):
    return client_as(world.acme_manager)


def _paid(world, partner, user, amount, paid_on, reference, title):
    request = ended(approved_request(partner, world.acme_admin.user, amount="900", title=title))
    claim = claims.claim_submit(request=request, actor=user, key=key(), amount=D(amount), proofs=[pdf()])
    claim = claims.claim_approve(claim=claim, actor=world.acme_manager.user, key=key())
    return claims.payment_record(claim=claim, actor=world.acme_manager.user, key=key(), paid_on=paid_on,
                                 method="transfer", reference=reference)


@pytest.fixture
def payments(world):
    today = timezone.localdate()
    with tenant_context(world.acme):
        budget = funded_budget(world.acme, world.acme_admin.user, "20000")
        allocation(budget, world.northwind, world.acme_admin.user, "5000")
        allocation(budget, world.contoso, world.acme_admin.user, "5000")
        return {
            "formula": _paid(world, world.northwind, world.northwind_rep.user, "400", today, "=cmd|' /C calc'!A0",
                             "@SUM(A1:A9) roadshow"),
            "old": _paid(world, world.northwind, world.northwind_rep.user, "250", today - timedelta(days=40), "PAY-OLD",
                         "Winter fair"),
            "contoso": _paid(world, world.contoso, world.contoso_rep.user, "300", today - timedelta(days=2), "PAY-C",
                             "Contoso webinar"),
        }


def test_the_list_filters_by_period_and_partner_and_totals_in_the_database(world, staff, payments):
    today = timezone.localdate()
    everything = staff.get(reverse("mdf:payments")).content.decode()
    assert "PAY-OLD" in everything and "PAY-C" in everything and "$950.00" in everything
    recent = staff.get(reverse("mdf:payments"), {"paid_from": str(today - timedelta(days=7)), "paid_to": str(today)})
    html = recent.content.decode()
    assert "PAY-C" in html and "PAY-OLD" not in html and "$700.00" in html
    northwind = staff.get(reverse("mdf:payments"), {"partner": world.northwind.pk}).content.decode()
    assert "PAY-OLD" in northwind and "PAY-C" not in northwind
    # A partner of another tenant, or a period that ends before it starts, matches nothing (never "all").
    assert "PAY-C" not in staff.get(reverse("mdf:payments"), {"partner": world.initech.pk}).content.decode()
    backwards = staff.get(reverse("mdf:payments"), {"paid_from": str(today), "paid_to": str(today - timedelta(days=9))})
    assert b'id="id_paid_to_error"' in backwards.content and b"PAY-C" not in backwards.content


def test_the_csv_export_neutralises_formulas_and_keeps_amounts_as_numbers(world, staff, payments):
    response = staff.get(reverse("mdf:payments_export", kwargs={"fmt": "csv"}), {"partner": world.northwind.pk})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="acme-mdf-payments-')
    frame = pd.read_csv(io.StringIO(response.content.decode()), keep_default_na=False)
    assert sorted(frame["Reference"]) == ["'=cmd|' /C calc'!A0", "PAY-OLD"]
    assert "'@SUM(A1:A9) roadshow" in list(frame["Fund request"])
    assert sorted(frame["Amount"]) == [250.0, 400.0]
    assert set(frame["Partner"]) == {"Northwind Traders"}


def test_the_xlsx_export_holds_no_cell_a_spreadsheet_would_run(world, staff, payments):
    response = staff.get(reverse("mdf:payments_export", kwargs={"fmt": "xlsx"}))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert len(body) == 3
    references = [row[header.index("Reference")] for row in body]
    assert "'=cmd|' /C calc'!A0" in references
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)  # no formula cell at all
    assert sorted(row[header.index("Amount")] for row in body) == [250, 300, 400]


def test_another_tenant_exports_none_of_these_payments(world, client_as, payments):
    response = client_as(world.globex_admin).get(reverse("mdf:payments_export", kwargs={"fmt": "csv"}))
    assert response.status_code == 200
    assert b"PAY-C" not in response.content and b"Northwind" not in response.content


def test_the_list_shows_50_payments_a_page_and_the_totals_count_them_all(world, staff):
    with tenant_context(world.acme):
        budget = funded_budget(world.acme, world.acme_admin.user, "100000")
        allocation(budget, world.northwind, world.acme_admin.user, "60000")
        for number in range(51):
            _paid(world, world.northwind, world.northwind_rep.user, "10", timezone.localdate(), f"PAY-{number:03d}",
                  f"Activity {number}")
    first = staff.get(reverse("mdf:payments")).content.decode()
    assert "in 51 payments" in first and "$510.00" in first and "Page 1 of 2" in first
    assert first.count("PAY-0") == 50
    second = staff.get(reverse("mdf:payments"), {"page": "2"}).content.decode()
    assert second.count("PAY-0") == 1 and "PAY-000" in second  # the oldest, on its own page
