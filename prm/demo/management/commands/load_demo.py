from django.core.management.base import BaseCommand

from dealreg.demo import load_deal_demo
from partners.demo import DEMO_PASSWORD, load_demo
from surveys.demo import load_survey_demo


class Command(BaseCommand):
    help = "Load the demo tenants, users, partners, deals and survey answers (idempotent)."

    def handle(self, *args, **options):
        load_demo()
        load_deal_demo()
        load_survey_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Every demo user's password: {DEMO_PASSWORD}"))
