"""The partner's deals on the portal home: waiting for the vendor, protected, protection ending soon."""

from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from partners.portal_tiles import Tile
from prm.i18n.formatting import number

from .models import Deal, DealStatus
from .sweeps import EXPIRY_WARNING_DAYS


def deal_tiles(partner):
    now = timezone.now()
    counts = Deal.objects.filter(partner=partner).aggregate(
        waiting=Count("pk", filter=Q(status__in=[DealStatus.SUBMITTED, DealStatus.MORE_INFO])),
        more_info=Count("pk", filter=Q(status=DealStatus.MORE_INFO)),
        protected=Count("pk", filter=Q(status=DealStatus.APPROVED)),
        ending=Count("pk", filter=Q(status=DealStatus.APPROVED, protected_until__gt=now,
                                    protected_until__lte=now + timedelta(days=EXPIRY_WARNING_DAYS))),
    )
    deals = reverse("dealreg:portal_list")
    waiting, more_info, protected, ending = (counts[k] for k in ("waiting", "more_info", "protected", "ending"))
    return [
        Tile(number(waiting), ngettext("deal waiting for review", "deals waiting for review", waiting),
             f"{deals}?status={DealStatus.SUBMITTED}"),
        Tile(number(more_info), ngettext("deal needing your answer", "deals needing your answer", more_info),
             f"{deals}?status={DealStatus.MORE_INFO}", attention=more_info > 0),
        Tile(number(protected), ngettext("protected deal", "protected deals", protected),
             f"{deals}?status={DealStatus.APPROVED}"),
        Tile(number(ending), ngettext("protection ending within %(days)d days", "protections ending within %(days)d days",
                                   ending) % {"days": EXPIRY_WARNING_DAYS},
             f"{deals}?status={DealStatus.APPROVED}", attention=ending > 0),
    ]
