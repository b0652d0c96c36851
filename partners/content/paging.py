"""Paging a long library without counting all of it.

Django's Paginator counts every matching row (SELECT COUNT(*) over the whole visibility filter:
~80 ms for 20,000 items on SQLite, most of a page's budget). `CappedPaginator` counts at most
CAP + 1 rows (COUNT over a LIMITed subquery, which stops early): a list longer than that says
"more than 1,000" and offers its first 40 pages; a search or a filter narrows it. The plain path
stays beside it: `Paginator` where the count matters more than the time (the dashboard's lists).
bench/content.py measures both."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

CAP = 1000


class CappedPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        return self.object_list[: CAP + 1].count()

    @property
    def capped(self) -> bool:
        """True when there are more rows than counted (the count shows CAP)."""
        return self.count > CAP

    @cached_property
    def shown_count(self) -> int:
        return min(self.count, CAP)
