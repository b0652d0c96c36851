"""The agreement section of the dashboard's partner page: which version the partner signed, by whom and
when, the counter-signature, a pending (re-)signature with its deadline, and the signed copy."""

from django.utils.translation import gettext_lazy as _

from partners.models import Partner
from partners.overview import Section

from .selectors import agreement_status


def agreement_section(partner: Partner) -> Section:
    return Section(key="agreement", title=str(_("Agreement")), template="partners/agreements/overview.html",
                   context={"agreement": agreement_status(partner)}, order=30)
