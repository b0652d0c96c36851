"""Deal exports for spreadsheets, with formula injection neutralised."""

from datetime import UTC

import pandas as pd
from django.utils import timezone

from prm.spreadsheets import neutralise_frame, spreadsheet_response

COLUMNS = {
    "reference": "Reference", "status": "Status", "partner": "Partner", "customer_name": "Customer",
    "customer_domain": "Customer domain", "customer_country": "Country", "contact_name": "Contact",
    "contact_email": "Contact email", "products": "Products", "value": "Value", "currency": "Currency",
    "expected_close_date": "Expected close", "submitted_at": "Submitted", "decided_at": "Decided",
    "decided_by": "Decided by", "protected_until": "Protected until",
}


def _rows(deals):
    for deal in deals.iterator(chunk_size=2000):
        decided_by = deal.decided_by_rule or (deal.decided_by.email if deal.decided_by_id else "")
        yield {
            "reference": deal.reference, "status": deal.get_status_display(), "partner": deal.partner.name,
            "customer_name": deal.customer_name, "customer_domain": deal.customer_domain,
            "customer_country": str(deal.customer_country), "contact_name": deal.contact_name,
            "contact_email": deal.contact_email, "products": ", ".join(p.name for p in deal.products.all()),
            "value": deal.value, "currency": deal.currency, "expected_close_date": deal.expected_close_date,
            "submitted_at": _naive(deal.submitted_at), "decided_at": _naive(deal.decided_at),
            "decided_by": decided_by, "protected_until": _naive(deal.protected_until),
        }


def _naive(moment):
    # Spreadsheets have no time zones: export UTC wall-clock times, as the column headers say.
    return timezone.make_naive(moment, UTC) if moment else None


def deals_frame(deals):
    frame = pd.DataFrame(list(_rows(deals.select_related("partner", "decided_by"))), columns=list(COLUMNS))
    frame = neutralise_frame(frame)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    return frame.rename(columns={**COLUMNS, "submitted_at": "Submitted (UTC)", "decided_at": "Decided (UTC)",
                                 "protected_until": "Protected until (UTC)"})


def export_response(deals, fmt, *, tenant):
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    return spreadsheet_response(deals_frame(deals), fmt, filename=f"{tenant.slug}-deals-{stamp}", sheet_name="Deals",
                                float_format="%.2f")
