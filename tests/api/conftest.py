import pytest
from rest_framework.test import APIClient

from prm.api.services import api_key_create
from tests.support import eager_celery  # noqa: F401 — a fixture, used below


@pytest.fixture(autouse=True)
def _eager_tasks(eager_celery):
    """Outbox tasks run in process here, also when CI points Celery at Redis."""


@pytest.fixture
def key_client(world, in_tenant):
    """An integration calling acme's API with an acme key (channel-manager rights)."""
    with in_tenant(world.acme):
        _, raw = api_key_create(tenant=world.acme, actor=world.acme_admin.user, name="CRM")
    client = APIClient(HTTP_HOST="acme.localhost")
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client
