import pytest

from tests.support import eager_celery  # noqa: F401 — a fixture, used below


@pytest.fixture(autouse=True)
def _eager_tasks(eager_celery):
    """The import task and the invitation emails run in process, also when CI points Celery at Redis."""
