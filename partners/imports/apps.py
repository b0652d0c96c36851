from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnerImportsConfig(AppConfig):
    name = "partners.imports"
    label = "partner_imports"
    verbose_name = _("Partner imports")
