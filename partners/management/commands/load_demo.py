from django.core.management.base import BaseCommand

from partners.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo tenants, users and partners (idempotent)."

    def handle(self, *args, **options):
        load_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Every demo user's password: {DEMO_PASSWORD}"))
