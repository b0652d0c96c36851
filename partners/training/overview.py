"""Training's section on the dashboard's partner page (registered from TrainingConfig.ready())."""

from django.utils import timezone
from django.utils.translation import gettext as _

from partners.overview import Section

from .models import Course
from .selectors import partner_training


def training_section(partner) -> Section | None:
    """Active certifications, those expiring within 90 days, the courses the tier needs that nobody
    holds, claims waiting; nothing while the program has no course."""
    if not Course.objects.exists():
        return None
    return Section(key="training", title=_("Certifications"), template="partners/training/overview_section.html",
                   context={"training": partner_training(partner, timezone.localdate())}, order=50)
