"""Django's admin for platform operators: root domain only, superusers only, across tenants.

Tenant-owned models are read through their `unscoped` manager here, deliberately.
"""

from functools import wraps

from django import forms
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from prm.tenancy.context import rls_bypass, tenant_context


class PlatformAdminSite(admin.AdminSite):
    site_header = _("PRM platform administration")
    site_title = _("PRM platform")

    def get_urls(self):
        return [_wrap_pattern(pattern) for pattern in super().get_urls()]

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def login(self, request, extra_context=None):
        """No password form of Django's own: operators sign in through allauth's flow.

        That flow asks for the second factor and counts failures like every other sign-in;
        allauth's decorator sends anyone not signed in there, with `next` kept.
        """
        from allauth.account.decorators import secure_admin_login  # not at import: apps load this module

        return secure_admin_login(self._signed_in_operator_login)(request)

    def _signed_in_operator_login(self, request):
        if not self.has_permission(request):
            raise PermissionDenied
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("admin:index", current_app=self.name)
        return HttpResponseRedirect(next_url)


def _root_domain_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if getattr(request, "tenant", None) is not None:
            raise Http404
        if not (request.user.is_active and request.user.is_superuser):
            return view(request, *args, **kwargs)
        # Operators work across tenants: on PostgreSQL as the batch role that row-level security
        # lets through. Rendered inside, since a template response reads its rows while rendering.
        with rls_bypass(reason="platform admin: operators manage every tenant"):
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            return response

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


class _ValidatedInItsTenant:
    """Model validation (unique constraints) reads the scoped default manager: run it in the row's tenant."""

    def _post_clean(self):
        tenant = self.cleaned_data.get("tenant") or (self.instance.tenant if self.instance.tenant_id else None)
        if tenant is None:
            return super()._post_clean()
        with tenant_context(tenant):
            return super()._post_clean()


class UnscopedModelAdmin(admin.ModelAdmin):
    """For tenant-owned models: the admin works across tenants on purpose."""

    def get_queryset(self, request):
        return self.model.unscoped.all()

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (_ValidatedInItsTenant, form), {})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        remote = db_field.remote_field.model
        if not hasattr(remote, "unscoped"):
            return super().formfield_for_foreignkey(db_field, request, **kwargs)
        # ForeignKey.formfield() reads the remote model's scoped default manager before it takes the
        # queryset given, and that raises with no tenant in force: build the field here instead.
        kwargs.setdefault("queryset", remote.unscoped.all())
        return forms.ModelChoiceField(required=not db_field.blank, label=capfirst(db_field.verbose_name),
                                      help_text=db_field.help_text, to_field_name=db_field.remote_field.field_name,
                                      **kwargs)
