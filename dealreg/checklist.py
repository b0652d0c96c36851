"""The onboarding checklist's "register a first deal" step, registered from DealregConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from partners.checklist.kinds import Kind

from .models import Deal
from .signals import deal_submitted


def first_deal_registered(partner, step) -> bool:
    """The partner has submitted at least one deal registration (whatever became of it)."""
    return Deal.objects.filter(partner=partner, submitted_at__isnull=False).exists()


def _partner_of_deal(deal=None, **kwargs):
    return deal.partner if deal is not None else None


FIRST_DEAL = Kind("first_deal", _("Register your first deal"), first_deal_registered, url_name="dealreg:portal_create",
                  triggers=((deal_submitted, _partner_of_deal),))
