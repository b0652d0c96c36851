"""The library speaks German to a German reader (formal "Sie" in the catalogue)."""

import pytest
from django.urls import reverse

from prm.accounts.models import User

from .helpers import make_item

pytestmark = pytest.mark.django_db


def test_portal_and_dashboard_in_german(world, client_as):
    item = make_item(world.acme, world.acme_admin.user, "Preisliste")
    User.objects.filter(pk__in=[world.northwind_rep.user_id, world.acme_manager.user_id]).update(language="de")
    portal = client_as(world.northwind_rep).get(reverse("content:portal_list")).content.decode()
    assert "Inhaltsbibliothek" in portal and "Neu seit meinem letzten Besuch" in portal
    assert "Willkommen in der Bibliothek: Alles hier ist neu für Sie." in portal
    item_page = client_as(world.acme_manager).get(reverse("content:item", args=[item.pk])).content.decode()
    assert "Wer ihn heruntergeladen hat" in item_page and "Angaben und Sichtbarkeit" in item_page
