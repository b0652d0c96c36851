from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "partners.training"
    label = "training"
    verbose_name = _("Certifications and training")

    def ready(self):
        from partners.checklist.kinds import register as register_step_kind
        from partners.overview import register as register_section
        from partners.portal_tiles import register as register_tiles
        from partners.tiers.requirements import register as register_requirement

        from .checklist import CERTIFICATION
        from .overview import training_section
        from .portal_tiles import training_tiles
        from .requirements import CERTIFICATIONS, REQUIRED_COURSES

        register_requirement(CERTIFICATIONS)
        register_requirement(REQUIRED_COURSES)
        register_step_kind(CERTIFICATION)
        register_section(training_section)
        register_tiles(training_tiles)
