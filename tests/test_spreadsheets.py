"""Spreadsheet downloads: times in ISO 8601 with the program's offset, to the second; XLSX files open
with a bold, frozen header row and columns as wide as their content."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import openpyxl
import pandas as pd
import pytest
from django.utils import timezone

from dealreg.models import Deal
from prm.spreadsheets import COLUMN_PADDING, MAX_COLUMN_WIDTH, iso_moment, spreadsheet_response
from surveys import rankings
from tests.dealreg.helpers import make_deal

ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
TIMES = ("Submitted", "Decided", "Protected until")


def test_a_moment_is_written_in_the_zone_with_its_offset_and_whole_seconds():
    moment = datetime(2026, 12, 2, 13, 5, 9, 654321, tzinfo=UTC)
    assert iso_moment(moment, "Europe/Berlin") == "2026-12-02T14:05:09+01:00"
    assert iso_moment(moment, "America/New_York") == "2026-12-02T08:05:09-05:00"
    assert iso_moment(moment.replace(month=7), "Europe/Berlin") == "2026-07-02T15:05:09+02:00"  # summer time
    assert iso_moment(moment, "UTC") == "2026-12-02T13:05:09+00:00"
    assert iso_moment(None, "UTC") is None


def _sheet(response):
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def test_an_xlsx_download_has_a_bold_frozen_header_and_fitted_columns():
    frame = pd.DataFrame({"Partner": ["Northwind Traders", "A"], "N": [3, 12345], "Notes": ["x" * 200, None]})
    sheet = _sheet(spreadsheet_response(frame, "xlsx", filename="f", sheet_name="Sheet"))
    assert sheet.freeze_panes == "A2"
    assert [cell.font.b for cell in sheet[1]] == [True, True, True]
    assert not any(cell.font.b for cell in sheet[2])
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABC"}
    assert widths["A"] == len("Northwind Traders") + COLUMN_PADDING  # the longest value
    assert widths["B"] == len("12345") + COLUMN_PADDING  # the value, wider than its header "N"
    assert widths["C"] == MAX_COLUMN_WIDTH  # long text is capped


def test_an_empty_xlsx_download_is_as_wide_as_its_headers():
    sheet = _sheet(spreadsheet_response(pd.DataFrame(columns=["Reference", "Decided by"]), "xlsx", filename="f", sheet_name="S"))
    assert [sheet.column_dimensions[letter].width for letter in "AB"] == [len("Reference") + 2, len("Decided by") + 2]
    assert sheet.freeze_panes == "A2"


@pytest.fixture
def deals(world, in_tenant):
    """An approved deal of Acme, whose program runs in New York time; a fraction of a second in every time."""
    world.acme.time_zone = "America/New_York"
    world.acme.save()
    with in_tenant(world.acme):
        deal = make_deal(world.northwind, by=world.northwind_rep.user, status="approved", staff=world.acme_manager.user,
                         customer_name="Tailspin Toys")
        Deal.objects.filter(pk=deal.pk).update(submitted_at=datetime(2026, 12, 2, 13, 5, 9, 654321, tzinfo=UTC))
        return Deal.objects.get(pk=deal.pk)


def test_the_csv_deal_export_writes_times_with_the_programs_offset(world, client_as, deals):
    response = client_as(world.acme_manager).get("/manage/deals/export.csv")
    [row] = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert not any("(UTC)" in header for header in row)
    assert all(ISO_WITH_OFFSET.match(row[header]) for header in TIMES), [row[h] for h in TIMES]
    assert row["Submitted"] == "2026-12-02T08:05:09-05:00"
    decided = datetime.fromisoformat(row["Decided"])
    assert decided.utcoffset() == timezone.localtime(deals.decided_at, timezone=decided.tzinfo).utcoffset()
    assert decided == deals.decided_at.replace(microsecond=0)
    assert datetime.fromisoformat(row["Protected until"]) - decided == timedelta(days=90)


def test_the_xlsx_deal_export_has_the_same_times_a_bold_frozen_header_and_fitted_columns(world, client_as, deals):
    sheet = _sheet(client_as(world.acme_manager).get("/manage/deals/export.xlsx"))
    header = [cell.value for cell in sheet[1]]
    row = {name: cell.value for name, cell in zip(header, sheet[2])}
    assert row["Submitted"] == "2026-12-02T08:05:09-05:00"
    assert all(ISO_WITH_OFFSET.match(row[name]) for name in TIMES)
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    texts = [(index, name) for index, name in enumerate(header, start=1) if isinstance(row[name], str)]
    assert len(texts) > 10
    for index, name in texts:
        width = sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width
        assert width == min(max(len(name), len(row[name])) + COLUMN_PADDING, MAX_COLUMN_WIDTH), name


def test_the_nps_export_has_a_bold_frozen_header(world, client_as):
    rankings.run_rankings(tenant=world.acme, run_date=timezone.now().date())
    sheet = _sheet(client_as(world.acme_manager).get("/manage/nps/export.xlsx"))
    assert sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[1]][:2] == ["Rank", "Partner"]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.column_dimensions["B"].width >= len("Partner") + COLUMN_PADDING
