"""The partner's certifications on the portal home: how many are active, and those expiring within 90 days."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from partners.models import Partner
from partners.portal_tiles import Tile
from prm.i18n.formatting import number

from .models import Course
from .selectors import partner_training


def training_tiles(partner: Partner) -> list[Tile]:
    if not Course.objects.filter(is_active=True).exists():
        return []
    training = partner_training(partner, timezone.localdate())
    url = reverse("training:portal")
    tiles = [Tile(value=number(training.active), url=url,
                  label=ngettext("active certification", "active certifications", training.active))]
    if training.expiring:
        count = len(training.expiring)
        tiles.append(Tile(value=number(count), url=url, attention=True,
                          label=ngettext("certification expires within 90 days", "certifications expire within 90 days", count)))
    return tiles
