"""The tenant in force for the current request, task or command.

Scoped managers read it, and so does the PostgreSQL row-level security wrapper (prm/tenancy/rls.py),
which puts it into every transaction. Set it with `tenant_context(tenant)`; code that must cross
tenants in the database says so with `rls_bypass(reason=...)`.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_current_tenant: ContextVar = ContextVar("prm_current_tenant", default=None)
_rls_bypass: ContextVar = ContextVar("prm_rls_bypass", default=None)


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


def get_rls_bypass():
    """The reason of the `rls_bypass` in force, or None."""
    return _rls_bypass.get()


@contextmanager
def tenant_context(tenant):
    """Put `tenant` in force. It also ends any `rls_bypass` for its duration: code run for one
    tenant (a request, one tenant's step of a task) never inherits a cross-tenant pass."""
    token = _current_tenant.set(tenant)
    bypass_token = _rls_bypass.set(None)
    try:
        yield tenant
    finally:
        _rls_bypass.reset(bypass_token)
        _current_tenant.reset(token)


@contextmanager
def rls_bypass(*, reason: str):
    """Let the database statements inside cross tenants (PostgreSQL: they run as the batch role,
    which has BYPASSRLS). For jobs that work across tenants on purpose; `reason` says why, for
    review. The ORM's scoped managers are not affected: such code still uses `unscoped`."""
    if not reason:
        raise ValueError("rls_bypass needs a reason")
    token = _rls_bypass.set(reason)
    try:
        yield
    finally:
        _rls_bypass.reset(token)
