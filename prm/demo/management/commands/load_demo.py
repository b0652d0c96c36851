from django.conf import settings
from django.core.management.base import BaseCommand

from dealreg.demo import load_deal_demo
from mdf.demo import load_mdf_demo
from partners.agreements.demo import load_agreement_demo
from partners.checklist.demo import load_checklist_demo
from partners.content.demo import load_content_demo
from partners.demo import DEMO_PASSWORD, load_demo
from partners.tiers.demo import load_tier_demo
from partners.training.demo import load_training_demo
from surveys.demo import load_survey_demo


class Command(BaseCommand):
    help = ("Load the demo programs (Acme Networks, Globex Systems): their people, partners, deals in every state, "
            "survey answers and tonight's ranking, signed agreements and onboarding checklists, and the emails all "
            "that sends. Idempotent: a second run changes nothing.")

    def handle(self, *args, **options):
        load_demo()
        load_survey_demo(won_deals=load_deal_demo())
        load_agreement_demo()
        load_checklist_demo()
        load_training_demo()
        load_content_demo()
        load_tier_demo()
        load_mdf_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Every demo user's password: {DEMO_PASSWORD}"))
        if settings.PRM_PUBLIC_PORT:
            self.stdout.write(f"Links in the demo's emails point at port {settings.PRM_PUBLIC_PORT}.")
        else:
            self.stdout.write(self.style.WARNING(
                "PRM_PUBLIC_PORT is not set: links in the demo's emails name no port (make demo and make run set it)."))
