from django.contrib import admin

from prm.platform_admin import UnscopedModelAdmin

from .models import Tier, TierRequirement, TierSettings


@admin.register(Tier)
class TierAdmin(UnscopedModelAdmin):
    list_display = ["name", "tenant", "rank", "colour", "discount_percent", "points_multiplier"]
    list_filter = ["tenant"]
    search_fields = ["name"]
    list_select_related = ["tenant"]


@admin.register(TierRequirement)
class TierRequirementAdmin(UnscopedModelAdmin):
    list_display = ["tier", "tenant", "kind", "threshold"]
    list_filter = ["tenant", "kind"]
    list_select_related = ["tier", "tenant"]
    # The tier is shown, not edited: a form field for it would list a tenant's rows (see partners/admin.py).
    readonly_fields = ["tier"]

    def has_add_permission(self, request):
        return False  # a requirement is added on its tier's page in the tenant's dashboard


@admin.register(TierSettings)
class TierSettingsAdmin(UnscopedModelAdmin):
    list_display = ["tenant", "upgrades", "grace_days"]
