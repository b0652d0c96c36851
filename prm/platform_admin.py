"""Django's admin for platform operators: root domain only, superusers only, across tenants.

Tenant-owned models are read through their `unscoped` manager here, deliberately.
"""

from functools import wraps

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import Http404


class PlatformAdminSite(admin.AdminSite):
    site_header = "PRM platform administration"
    site_title = "PRM platform"

    def get_urls(self):
        return [_wrap_pattern(pattern) for pattern in super().get_urls()]

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser


def _root_domain_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if getattr(request, "tenant", None) is not None:
            raise Http404
        return view(request, *args, **kwargs)

    wrapper.root_domain_only = True
    return wrapper


def _wrap_pattern(pattern):
    if hasattr(pattern, "url_patterns"):
        for inner in pattern.url_patterns:
            _wrap_pattern(inner)
    else:
        pattern.callback = _root_domain_only(pattern.callback)
    return pattern


class PlatformAdminConfig(AdminConfig):
    default_site = "prm.platform_admin.PlatformAdminSite"


class UnscopedModelAdmin(admin.ModelAdmin):
    """For tenant-owned models: the admin works across tenants on purpose."""

    def get_queryset(self, request):
        return self.model.unscoped.all()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        remote = db_field.remote_field.model
        if hasattr(remote, "unscoped"):
            kwargs.setdefault("queryset", remote.unscoped.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
