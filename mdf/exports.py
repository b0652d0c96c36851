"""Payments of fund claims for finance (CSV/XLSX), with spreadsheet formula injection neutralised
by the project's one helper (prm.spreadsheets)."""

from zoneinfo import ZoneInfo

import pandas as pd
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy, pgettext_lazy

from prm.spreadsheets import iso_moment, neutralise_frame, spreadsheet_response

from .models import Payment

# Column → header. Dates are ISO 8601 days; the recording time carries the program's offset.
COLUMNS = {
    "paid_on": gettext_lazy("Paid on"), "partner": gettext_lazy("Partner"), "request": gettext_lazy("Fund request"),
    "claim": gettext_lazy("Claim"), "amount": gettext_lazy("Amount"), "currency": gettext_lazy("Currency"),
    "method": pgettext_lazy("payment", "Method"), "reference": gettext_lazy("Reference"),
    "recorded_by": gettext_lazy("Recorded by"), "recorded_at": gettext_lazy("Recorded"),
}
NUMBERS = ("amount", "claim")
FORMATS = ("csv", "xlsx")  # what the exports offer; urls.py admits only these


def _rows(payments: QuerySet[Payment], time_zone: str):
    for payment in payments.iterator(chunk_size=2000):
        yield {
            "paid_on": payment.paid_on.isoformat(), "partner": payment.partner.name,
            "request": payment.claim.fund_request.title, "claim": payment.claim_id, "amount": payment.amount,
            "currency": payment.currency, "method": str(payment.get_method_display()), "reference": payment.reference,
            "recorded_by": payment.recorded_by.email if payment.recorded_by_id else "",
            "recorded_at": iso_moment(payment.created_at, time_zone),
        }


def payments_frame(payments: QuerySet[Payment], *, time_zone: str) -> pd.DataFrame:
    rows = _rows(payments.select_related("partner", "claim__fund_request", "recorded_by"), time_zone)
    frame = neutralise_frame(pd.DataFrame(list(rows), columns=list(COLUMNS)),
                             [column for column in COLUMNS if column not in NUMBERS])
    frame["amount"] = pd.to_numeric(frame["amount"], errors="coerce")
    return frame.rename(columns={name: str(header) for name, header in COLUMNS.items()})


def _stamp(tenant) -> str:
    """Now in the program's time zone, to the minute, for a download's file name."""
    return timezone.localtime(timezone=ZoneInfo(tenant.time_zone)).strftime("%Y%m%d-%H%M")


def payments_export(payments: QuerySet[Payment], fmt: str, *, tenant) -> HttpResponse:
    stamp = _stamp(tenant)
    return spreadsheet_response(payments_frame(payments, time_zone=tenant.time_zone), fmt,
                                filename=f"{tenant.slug}-mdf-payments-{stamp}", sheet_name=_("Payments"),
                                float_format="%.2f")


def utilisation_export(report, fmt: str, *, tenant, grouping_label: str) -> HttpResponse:
    """The utilisation table as shown (its rows, then the total), amounts as numbers."""
    headers = {"label": grouping_label, "base": _("Approved") if report.by == "activity" else _("Allocated"),
               "encumbered": _("Encumbered"), "claimed": _("Claimed, not yet paid"), "paid": _("Paid"),
               "expired": _("Expired"), "available": _("Available"), "used_percent": _("Used (%)")}
    rows = [{name: getattr(row, name) for name in headers} for row in [*report.rows, report.total]]
    frame = neutralise_frame(pd.DataFrame(rows, columns=list(headers)), ["label"])
    for column in list(headers)[1:]:
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    stamp = _stamp(tenant)
    year = f"-fy{report.fiscal_year}" if report.fiscal_year else ""
    return spreadsheet_response(frame.rename(columns={name: str(h) for name, h in headers.items()}), fmt,
                                filename=f"{tenant.slug}-mdf-utilisation-{report.by}{year}-{stamp}",
                                sheet_name=_("Utilisation"), float_format="%.2f")
