"""The onboarding checklist's "complete a certification" step, registered from TrainingConfig.ready()."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _, ngettext

from partners.checklist.kinds import Kind

from .requirements import measure_certifications
from .signals import certification_completed


def certifications_held(partner, step) -> bool:
    """The partner's people hold at least `threshold` active certifications today."""
    held = measure_certifications([partner.pk], timezone.localdate())[partner.pk].value
    return held >= (step.threshold or 1)


def _describe(count: int) -> str:
    return ngettext("Complete at least %(count)d certification", "Complete at least %(count)d certifications",
                    count) % {"count": count}


def _partner_of_completion(completion=None, **kwargs):
    return completion.partner if completion is not None else None


CERTIFICATION = Kind("certification", _("Complete a certification"), certifications_held, url_name="training:portal",
                     uses_threshold=True, describe=_describe, triggers=((certification_completed, _partner_of_completion),))
