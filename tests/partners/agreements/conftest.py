import pytest

from tests.support import eager_celery  # noqa: F401 — a fixture, used below


@pytest.fixture(autouse=True)
def _eager_tasks(eager_celery):
    """Outbox tasks run in process here, also when CI points Celery at Redis."""
