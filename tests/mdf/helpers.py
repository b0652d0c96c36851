"""MDF rows made through the services (so entries, balances and audit rows are real).

Every helper needs the tenant in force (`with in_tenant(tenant)`)."""

import itertools
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from mdf import services
from mdf.models import Account, ActivityType, Bucket, LedgerEntry
from mdf.periods import add_business_days, fiscal_year_of
from mdf.selectors import mdf_settings_for

_KEYS = itertools.count(1)


def key(prefix="k"):
    return f"{prefix}-{next(_KEYS)}"


def this_year(tenant):
    """The fiscal year of the helpers' activities (so an approval finds the partner's allocation)."""
    return fiscal_year_of(start_in_time(tenant), mdf_settings_for(tenant).fiscal_year_start_month)


def activity(tenant, name="Event"):
    return ActivityType.objects.filter(name=name).first() or ActivityType.objects.create(tenant=tenant, name=name)


def funded_budget(tenant, actor, amount="10000", name="Global", year=None):
    return services.budget_create(tenant=tenant, actor=actor, key=key("budget"), name=name,
                                  fiscal_year=year or this_year(tenant), amount=Decimal(amount))


def allocation(budget, partner, actor, amount="1000"):
    return services.allocation_create(budget=budget, partner=partner, actor=actor, key=key("alloc"), amount=Decimal(amount))


def start_in_time(tenant, extra_days=0):
    """An activity start the notice rule accepts today, in the current fiscal year where possible."""
    return add_business_days(timezone.localdate(), mdf_settings_for(tenant).notice_business_days) + timedelta(days=extra_days)


def request_fields(tenant, **changes):
    starts = start_in_time(tenant)
    fields = {"activity_type": activity(tenant), "title": "Spring roadshow", "description": "Three cities",
              "starts_on": starts, "ends_on": starts + timedelta(days=2), "expected_leads": 40,
              "expected_attendees": 120, "total_cost": Decimal("2000.00"), "requested_amount": Decimal("1000.00")}
    return {**fields, **changes}


def submitted_request(partner, actor, **changes):
    return services.fund_request_create(partner=partner, actor=actor, key=key("req"), **request_fields(partner.tenant, **changes))


def assert_balances_are_sums():
    """Every cached balance column equals the sum of its account's entries in that bucket."""
    for account in Account.objects.all():
        for bucket in Bucket.values:
            total = sum((e.amount for e in LedgerEntry.objects.filter(account=account, bucket=bucket)), Decimal("0"))
            assert getattr(account, bucket) == total, (account, bucket, getattr(account, bucket), total)
        assert account.available >= 0, account


def approved_request(partner, actor, amount=None, **changes):
    """A submitted request approved for `amount` (default: what was requested) out of the partner's allocation."""
    request = submitted_request(partner, actor, **changes)
    return services.fund_request_approve(request=request, actor=actor, key=key("approve"),
                                         amount=Decimal(amount) if amount is not None else None)


def ended(request, days_ago=1):
    """The request's activity moved into the past (it ended `days_ago` days ago), so it may be claimed."""
    from mdf.models import FundRequest

    ends = timezone.localdate() - timedelta(days=days_ago)
    FundRequest.objects.filter(pk=request.pk).update(starts_on=ends - timedelta(days=2), ends_on=ends)
    request.refresh_from_db()
    return request


def pdf(name="invoice.pdf", body=b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, body, content_type="application/pdf")
