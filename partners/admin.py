from django.contrib import admin

from prm.platform_admin import UnscopedModelAdmin

from .models import Application, ApplicationQuestion, OnboardingSettings, Partner, PartnerProfileSettings, ProfileChange


@admin.register(Partner)
class PartnerAdmin(UnscopedModelAdmin):
    list_display = ["name", "tenant", "status", "tier", "country"]
    list_filter = ["tenant", "status"]
    search_fields = ["name", "domain"]


@admin.register(Application)
class ApplicationAdmin(UnscopedModelAdmin):
    list_display = ["company", "tenant", "status", "contact_email", "created_at"]
    list_filter = ["tenant", "status"]
    search_fields = ["company", "domain", "contact_email"]
    list_select_related = ["tenant"]
    raw_id_fields = ["reviewed_by"]
    # Links to a tenant's rows are shown, not edited: a form field for them would list a tenant's rows,
    # and a link set here could point into another tenant.
    readonly_fields = ["matched_partner", "duplicate_of", "partner", "created_at", "confirmed_at", "updated_at"]


@admin.register(ApplicationQuestion)
class ApplicationQuestionAdmin(UnscopedModelAdmin):
    list_display = ["text", "tenant", "kind", "required", "is_active", "position"]
    list_filter = ["tenant", "kind", "is_active"]
    search_fields = ["text"]


@admin.register(OnboardingSettings)
class OnboardingSettingsAdmin(UnscopedModelAdmin):
    list_display = ["tenant", "auto_approve_domains"]


@admin.register(PartnerProfileSettings)
class PartnerProfileSettingsAdmin(UnscopedModelAdmin):
    list_display = ["tenant", "sensitive_fields"]


@admin.register(ProfileChange)
class ProfileChangeAdmin(UnscopedModelAdmin):
    list_display = ["partner", "tenant", "field", "new_value", "status", "created_at"]
    list_filter = ["tenant", "status", "field"]
    search_fields = ["partner__name", "new_value"]
    list_select_related = ["partner", "tenant"]
    raw_id_fields = ["requested_by", "decided_by"]
    readonly_fields = ["partner", "created_at", "decided_at"]  # shown, not edited (see ApplicationAdmin)
