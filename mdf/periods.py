"""Fiscal years and business days: pure date arithmetic, no Django.

A fiscal year is named after the calendar year in which it ends: with a start in April, FY2027 runs
from 1 April 2026 to 31 March 2027; with a start in January, FY2026 is the calendar year 2026."""

from datetime import date, timedelta

from prm.business_hours import WORKDAYS


def fiscal_year_of(day: date, start_month: int) -> int:
    if start_month == 1:
        return day.year
    return day.year + 1 if day.month >= start_month else day.year


def fiscal_year_bounds(fiscal_year: int, start_month: int) -> tuple[date, date]:
    """The first and the last day of the fiscal year."""
    first = date(fiscal_year if start_month == 1 else fiscal_year - 1, start_month, 1)
    following = date(first.year + 1, first.month, 1)
    return first, following - timedelta(days=1)


def fiscal_year_label(fiscal_year: int) -> str:
    return f"FY{fiscal_year}"


def business_days_after(day: date, until: date) -> int:
    """Business days (Monday–Friday) after `day`, up to and including `until`."""
    count, cursor = 0, day
    while cursor < until:
        cursor += timedelta(days=1)
        if cursor.weekday() in WORKDAYS:
            count += 1
    return count


def add_business_days(day: date, days: int) -> date:
    """The business day `days` business days after `day` (`day` itself when `days` is 0)."""
    cursor = day
    while days > 0:
        cursor += timedelta(days=1)
        if cursor.weekday() in WORKDAYS:
            days -= 1
    return cursor


def close_on(fiscal_year: int, settings) -> date:
    """The last day the allocations of `fiscal_year` may be used (MdfSettings: the fiscal year's last day
    moved by its offset); they close at the end of it."""
    last = fiscal_year_bounds(fiscal_year, settings.fiscal_year_start_month)[1]
    return last + timedelta(days=settings.unspent_offset_days)
