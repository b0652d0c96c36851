"""The tenant in force for the current request, task or command.

Scoped managers read it; nothing else should. Set it with `tenant_context(tenant)`.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_current_tenant: ContextVar = ContextVar("prm_current_tenant", default=None)


class TenantNotSet(RuntimeError):
    """A tenant-owned table was queried with no tenant in force."""


def get_current_tenant():
    return _current_tenant.get()


def require_current_tenant():
    tenant = _current_tenant.get()
    if tenant is None:
        raise TenantNotSet(
            "No tenant in force: wrap the code in tenant_context(tenant) or use the "
            "model's `unscoped` manager deliberately."
        )
    return tenant


@contextmanager
def tenant_context(tenant):
    token = _current_tenant.set(tenant)
    try:
        yield tenant
    finally:
        _current_tenant.reset(token)
