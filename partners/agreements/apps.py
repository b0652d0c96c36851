from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "partners.agreements"
    label = "agreements"
    verbose_name = _("Partner agreements")

    def ready(self):
        from partners.overview import register
        from partners.portal_tiles import register as register_tiles
        from prm.tenancy.gates import register_portal_gate

        from .gate import agreement_gate
        from .overview import agreement_section
        from .portal_tiles import agreement_tiles

        register(agreement_section)
        register_tiles(agreement_tiles)
        register_portal_gate(agreement_gate)
