"""Nothing escapes the matrix: every handler of every URL, and every API operation, has an entry."""

from prm.tenancy.views import ScopedViewMixin

from .api_table import API, API_NAMES, api_operations
from .handlers import all_url_names, handlers
from .pages import ACCOUNT, PAGES, PUBLIC


def _tenant_page_names():
    return {name for name, _ in all_url_names()
            if not (name or "").startswith("admin:") and name not in PUBLIC and name not in ACCOUNT and name not in API_NAMES}


def test_every_handler_is_covered():
    """Each (URL name, method, choice) a dashboard or portal view handles has an entry, and no entry is stale."""
    expected = set(handlers(_tenant_page_names()))
    unnamed = [str(p.pattern) for name, p in all_url_names() if not name]
    assert unnamed == [], f"URLs without a name cannot be covered: {unnamed}"
    assert sorted(expected - set(PAGES)) == [], "handlers missing from the cross-tenant matrix"
    assert sorted(set(PAGES) - expected) == [], "matrix entries for handlers that no longer exist"


def test_every_tenant_page_has_the_scoped_base():
    """A dashboard or portal URL is served by a view on the scoped base classes (role, tenant, partner)."""
    loose = sorted(name for name, p in all_url_names() if name in _tenant_page_names()
                   and not issubclass(getattr(p.callback, "view_class", object), ScopedViewMixin))
    assert loose == []


def test_every_admin_view_is_root_domain_only():
    admin_views = [pattern for name, pattern in all_url_names() if (name or "").startswith("admin:")]
    assert admin_views
    assert all(getattr(p.callback, "root_domain_only", False) for p in admin_views)


def test_every_api_operation_is_covered(db):
    assert api_operations() - set(API) == set(), "API operations missing from the cross-tenant matrix"
    assert set(API) - api_operations() == set(), "matrix lists API operations that no longer exist"
