from django.core.management.base import BaseCommand

from dealreg.demo import load_deal_demo
from partners.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo tenants, users, partners and deals (idempotent)."

    def handle(self, *args, **options):
        load_demo()
        load_deal_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Every demo user's password: {DEMO_PASSWORD}"))
