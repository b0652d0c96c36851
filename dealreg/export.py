"""Deal exports for spreadsheets, with formula injection neutralised."""

from zoneinfo import ZoneInfo

import pandas as pd
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy, pgettext_lazy

from prm.spreadsheets import iso_moment, neutralise_frame, spreadsheet_response

# Column → header. Times are ISO 8601 in the program's time zone, each with its offset.
COLUMNS = {
    "reference": gettext_lazy("Reference"), "status": gettext_lazy("Status"), "partner": gettext_lazy("Partner"),
    "customer_name": gettext_lazy("Customer"), "customer_domain": gettext_lazy("Customer domain"),
    "customer_country": gettext_lazy("Country"), "contact_name": gettext_lazy("Contact"),
    "contact_email": gettext_lazy("Contact email"), "products": gettext_lazy("Products"), "value": gettext_lazy("Value"),
    "currency": gettext_lazy("Currency"), "expected_close_date": gettext_lazy("Expected close"),
    "submitted_at": pgettext_lazy("date a deal was submitted", "Submitted"), "decided_at": gettext_lazy("Decided"),
    "decided_by": gettext_lazy("Decided by"), "protected_until": gettext_lazy("Protected until"),
}


def _rows(deals, time_zone):
    for deal in deals.iterator(chunk_size=2000):
        decided_by = deal.decided_by_rule or (deal.decided_by.email if deal.decided_by_id else "")
        yield {
            "reference": deal.reference, "status": deal.get_status_display(), "partner": deal.partner.name,
            "customer_name": deal.customer_name, "customer_domain": deal.customer_domain,
            "customer_country": str(deal.customer_country), "contact_name": deal.contact_name,
            "contact_email": deal.contact_email, "products": ", ".join(p.name for p in deal.products.all()),
            "value": deal.value, "currency": deal.currency, "expected_close_date": deal.expected_close_date,
            "submitted_at": iso_moment(deal.submitted_at, time_zone), "decided_at": iso_moment(deal.decided_at, time_zone),
            "decided_by": decided_by, "protected_until": iso_moment(deal.protected_until, time_zone),
        }


def deals_frame(deals, *, time_zone):
    frame = pd.DataFrame(list(_rows(deals.select_related("partner", "decided_by"), time_zone)), columns=list(COLUMNS))
    frame = neutralise_frame(frame)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    return frame.rename(columns={name: str(header) for name, header in COLUMNS.items()})


def export_response(deals, fmt, *, tenant):
    stamp = timezone.localtime(timezone=ZoneInfo(tenant.time_zone)).strftime("%Y%m%d-%H%M")
    return spreadsheet_response(deals_frame(deals, time_zone=tenant.time_zone), fmt, filename=f"{tenant.slug}-deals-{stamp}",
                                sheet_name=_("Deals"), float_format="%.2f")
