"""Fixtures for the survey tests: Celery runs in process, and acme's world with acme in force."""

import pytest

from tests.support import eager_celery  # noqa: F401 — a fixture, used below


@pytest.fixture(autouse=True)
def _eager_tasks(eager_celery):  # noqa: F811 — the imported fixture, requested by name
    """Survey and outbox tasks run in process here, also when CI points Celery at Redis."""


@pytest.fixture
def acme(world, in_tenant):
    """The shared world with acme in force, for direct service and ORM calls."""
    with in_tenant(world.acme):
        yield world
