from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from prm.invitations.services import invitation_create_first_admin
from prm.tenancy.context import tenant_context
from prm.tenancy.links import tenant_url
from prm.tenancy.services import tenant_create


class Command(BaseCommand):
    help = "Create a tenant (a vendor's program) and email an invitation to its first tenant admin."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Sub-domain, e.g. acme for acme.<PRM_DOMAIN>")
        parser.add_argument("name", help="Display name, e.g. 'Acme Networks'")
        parser.add_argument("--admin", required=True, help="Email of the first tenant admin")
        parser.add_argument("--currency", default="USD")
        parser.add_argument("--time-zone", default="UTC")

    def handle(self, *args, slug, name, admin, currency, time_zone, **options):
        try:
            tenant = tenant_create(slug=slug, name=name, currency=currency, time_zone=time_zone)
            with tenant_context(tenant):
                invitation_create_first_admin(tenant=tenant, email=admin)
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from None
        self.stdout.write(self.style.SUCCESS(
            f"Created {tenant.name} at {tenant_url(tenant, '/')} and invited {admin} as its tenant admin."
        ))
