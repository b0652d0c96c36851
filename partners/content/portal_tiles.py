"""The content library on the portal home: how many items reached the partner in the last 30 days
(new ones, or new versions), or else how many it may use, linking to the library."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from partners.models import Partner
from partners.portal_tiles import Tile
from prm.i18n.formatting import number

from .paging import CAP
from .selectors import visible_items

RECENT = timedelta(days=30)


def content_tiles(partner: Partner) -> list[Tile]:
    now = timezone.now()
    items = visible_items(partner, now)
    url = reverse("content:portal_list")
    recent = items.filter(news_at__gt=now - RECENT).count()
    if recent:
        return [Tile(value=number(recent), label=ngettext("new item in the content library in the last 30 days",
                                                          "new items in the content library in the last 30 days", recent), url=url)]
    total = items[: CAP + 1].count()  # counted up to the list's cap, like the list (paging.py)
    if not total:
        return []
    value = number(total) if total <= CAP else f"{number(CAP)}+"
    return [Tile(value=value, label=ngettext("item in the content library", "items in the content library", total),
                 url=url)]
