"""When a certification expires: its completion date plus the course's validity in months."""

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day where it is shorter: 31 Jan + 1 = 28/29 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def expiry_of(course, completed_on: date) -> date | None:
    """None for a course without a validity: its certifications never expire."""
    return add_months(completed_on, course.validity_months) if course.validity_months else None
