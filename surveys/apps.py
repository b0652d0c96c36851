from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"

    def ready(self):
        from prm.outbox.signals import email_bounced

        from .receivers import suppress_bounced_survey_address

        email_bounced.connect(suppress_bounced_survey_address, dispatch_uid="surveys-bounces")

        from partners.portal_tiles import register

        from .portal_tiles import satisfaction_tiles

        register(satisfaction_tiles)

        from partners.overview import register as register_section

        from .overview import follow_up_section, nps_section

        register_section(nps_section)
        register_section(follow_up_section)

        from . import tiers

        tiers.register_all()
