"""Business hours, Monday–Friday 9:00–17:00 in the tenant's time zone: the deal approval clock and the
survey follow-up deadlines count them."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY_START = time(9, 0)
DAY_END = time(17, 0)
WORKDAYS = range(0, 5)  # Monday..Friday


def _window(day, tz):
    return datetime.combine(day, DAY_START, tz), datetime.combine(day, DAY_END, tz)


def add_business_hours(start: datetime, hours: float, tz_name: str) -> datetime:
    """The moment `hours` business hours after `start` (an aware datetime)."""
    tz = ZoneInfo(tz_name)
    remaining = timedelta(hours=hours)
    cursor = start.astimezone(tz)
    while True:
        day = cursor.date()
        if day.weekday() in WORKDAYS:
            open_at, close_at = _window(day, tz)
            begin = max(cursor, open_at)
            if begin < close_at:
                available = close_at - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        cursor = datetime.combine(day + timedelta(days=1), time(0, 0), tz)


def business_hours_between(start: datetime, end: datetime, tz_name: str) -> float:
    """Business hours from `start` to `end`; negative when `end` is before `start`."""
    if end < start:
        return -business_hours_between(end, start, tz_name)
    tz = ZoneInfo(tz_name)
    start, end = start.astimezone(tz), end.astimezone(tz)
    total = timedelta()
    day = start.date()
    while day <= end.date():
        if day.weekday() in WORKDAYS:
            open_at, close_at = _window(day, tz)
            begin, finish = max(start, open_at), min(end, close_at)
            if finish > begin:
                total += finish - begin
        day += timedelta(days=1)
    return total.total_seconds() / 3600
