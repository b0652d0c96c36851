"""The content library's tier benefit: how many live items name the tier in their visibility
(registered in partners.tiers.benefits from ContentConfig.ready())."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, ngettext

from partners.tiers.benefits import Benefit
from prm.i18n.formatting import number

from .models import ContentItem, ContentTier, Kind, Visibility
from .selectors import live_q


def content_benefits(tier_ids: list[int]) -> list[Benefit]:
    """One query: per tier, the live, servable items shown to that tier by name (items for all
    partners are not counted: they are no benefit of a tier)."""
    now = timezone.now()
    items = ContentItem.objects.filter(live_q(now), Q(kind=Kind.LINK) | Q(current_version__isnull=False),
                                       visibility=Visibility.TIERS)
    counts = (ContentTier.objects.filter(tier_id__in=tier_ids, item_id__in=items.values("pk"))
              .values("tier_id").annotate(n=Count("item_id", distinct=True)).order_by())
    url = reverse("content:portal_list")
    return [Benefit(tier_id=row["tier_id"], label=_("Content for this tier"),
                    value=ngettext("%(n)s item", "%(n)s items", row["n"]) % {"n": number(row["n"])}, portal_url=url)
            for row in counts if row["n"]]
