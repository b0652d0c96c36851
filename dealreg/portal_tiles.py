"""The partner's deals on the portal home: waiting for the vendor, waiting for the partner's answer,
protected, protection ending soon.

Each tile is a filter of the portal's deal list: its number is counted with that filter
(selectors.deal_filter) and its link opens the list with the same filter, so the number is the
number of rows the link shows. No deal is counted by two tiles for the same reason."""

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import ngettext

from partners.portal_tiles import Tile
from prm.i18n.formatting import number

from .models import Deal, DealStatus
from .selectors import EXPIRY_WARNING_DAYS, deal_filter

# (the list's filter, whether a non-zero count needs the partner's attention, the label for a count)
TILES = (
    ({"status": DealStatus.SUBMITTED}, False,
     lambda n: ngettext("deal waiting for review", "deals waiting for review", n)),
    ({"status": DealStatus.MORE_INFO}, True,
     lambda n: ngettext("deal needing your answer", "deals needing your answer", n)),
    ({"protection": "protected"}, False,
     lambda n: ngettext("protected deal", "protected deals", n)),
    ({"protection": "ending"}, True,
     lambda n: ngettext("protection ending within %(days)d days", "protections ending within %(days)d days", n)
     % {"days": EXPIRY_WARNING_DAYS}),
)


def deal_tiles(partner):
    now = timezone.now()
    counts = Deal.objects.filter(partner=partner).aggregate(**{
        f"tile{k}": Count("pk", filter=deal_filter(**filters, now=now)) for k, (filters, *_) in enumerate(TILES)
    })
    deals = reverse("dealreg:portal_list")
    tiles = []
    for k, (filters, needs_attention, label) in enumerate(TILES):
        count = counts[f"tile{k}"]
        tiles.append(Tile(number(count), label(count), f"{deals}?{urlencode(filters)}",
                          attention=needs_attention and count > 0))
    return tiles
