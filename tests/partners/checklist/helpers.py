from partners.checklist import services
from partners.models import Partner

FULL_PROFILE = {"website": "https://northwind.example", "country": "DE", "street": "Hafenstraße 1", "postcode": "20457",
                "city": "Hamburg", "description": "Networks for ports.", "specialisations": "firewalls, Wi-Fi"}


def add_step(world, kind, title="", threshold=None):
    return services.step_create(tenant=world.acme, actor=world.acme_admin.user, kind=kind, title=title, threshold=threshold)


def fresh(partner):
    return Partner.unscoped.get(pk=partner.pk)
