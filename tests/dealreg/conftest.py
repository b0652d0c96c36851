import pytest

from tests.support import eager_celery  # noqa: F401 — a fixture, used below


@pytest.fixture(autouse=True)
def _eager_tasks(eager_celery):
    """Outbox tasks run in process here, also when CI points Celery at Redis."""


@pytest.fixture
def acme(world, in_tenant):
    """The shared world with acme in force, for direct service and ORM calls."""
    with in_tenant(world.acme):
        yield world


@pytest.fixture
def staff(world):
    """The channel manager who decides acme's deals."""
    return world.acme_manager.user


@pytest.fixture
def rep(world):
    """Northwind's partner user, who registers deals."""
    return world.northwind_rep.user
