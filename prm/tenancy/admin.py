from django.contrib import admin

from prm.platform_admin import UnscopedModelAdmin

from .models import Membership, Tenant, TenantDomain


class TenantDomainInline(admin.TabularInline):
    model = TenantDomain
    extra = 0


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "currency", "time_zone", "is_active"]
    search_fields = ["name", "slug"]
    inlines = [TenantDomainInline]


@admin.register(Membership)
class MembershipAdmin(UnscopedModelAdmin):
    list_display = ["user", "tenant", "role", "partner", "is_active"]
    list_filter = ["tenant", "role", "is_active"]
    search_fields = ["user__email"]
    list_select_related = ["user", "tenant", "partner"]
