from django.contrib import admin

from prm.platform_admin import UnscopedModelAdmin

from .models import Partner


@admin.register(Partner)
class PartnerAdmin(UnscopedModelAdmin):
    list_display = ["name", "tenant", "status", "tier", "country"]
    list_filter = ["tenant", "status"]
    search_fields = ["name", "domain"]
