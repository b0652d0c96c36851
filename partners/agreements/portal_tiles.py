"""The partner's agreement on the portal home: while a signature is pending, a tile says so (with the
days left before the portal closes, when there is a deadline) and links to the agreement."""

import math

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from partners.models import Partner
from partners.portal_tiles import Tile
from prm.i18n.formatting import number

from .selectors import agreement_status


def agreement_tiles(partner: Partner) -> list[Tile]:
    status = agreement_status(partner)
    if status.signed:
        return []
    url = reverse("agreements:portal_sign")
    if status.due_at is not None and not status.overdue:
        days = max(1, math.ceil((status.due_at - timezone.now()).total_seconds() / 86400))
        label = ngettext("day left to sign the new partner agreement", "days left to sign the new partner agreement", days)
        return [Tile(value=number(days), label=label, url=url, attention=True)]
    return [Tile(value=number(1), label=ngettext("agreement to sign", "agreements to sign", 1), url=url, attention=True)]
