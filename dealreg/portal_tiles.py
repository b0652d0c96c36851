"""The partner's deals on the portal home: waiting for the vendor, protected, protection ending soon."""

from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from partners.portal_tiles import Tile

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
    return [
        Tile(str(counts["waiting"]), "deals waiting for review", f"{deals}?status={DealStatus.SUBMITTED}"),
        Tile(str(counts["more_info"]), "deals where the vendor asks for more", f"{deals}?status={DealStatus.MORE_INFO}",
             attention=counts["more_info"] > 0),
        Tile(str(counts["protected"]), "protected deals", f"{deals}?status={DealStatus.APPROVED}"),
        Tile(str(counts["ending"]), f"protections ending within {EXPIRY_WARNING_DAYS} days",
             f"{deals}?status={DealStatus.APPROVED}", attention=counts["ending"] > 0),
    ]
