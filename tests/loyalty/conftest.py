import pytest

from prm.tenancy.context import tenant_context


@pytest.fixture
def acme(world):
    """The acme tenant in force for the test's direct service calls."""
    with tenant_context(world.acme):
        yield world.acme
