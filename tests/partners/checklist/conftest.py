import pytest

from partners.models import Partner, PartnerStatus


@pytest.fixture
def onboarding(world):
    """Northwind in onboarding (its admin and rep are the team; its profile has only a website and a country)."""
    Partner.unscoped.filter(pk=world.northwind.pk).update(status=PartnerStatus.ONBOARDING)
    world.northwind.refresh_from_db()
    return world.northwind
