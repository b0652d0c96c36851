"""The tier ladder on the dashboard: every manager reads it; tenant admins add, edit, move and delete
tiers (requirements edited on the tier's page) and set how tier changes apply."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from prm.audit.selectors import audit_events_for
from prm.tenancy.actions import ServiceActionView, error_text, form_submit
from prm.tenancy.views import DashboardViewMixin, TenantAdminViewMixin

from .. import management
from ..benefits import benefits_of
from ..describe import benefit_texts, requirement_text
from ..forms import MoveForm, TierForm, TierSettingsForm
from ..models import Tier
from ..requirements import kinds


def _ladder(tenant):
    """The tiers, highest first, each with its partner count (in the same query), requirements and benefits in words."""
    tiers = list(Tier.objects.annotate(partner_count=Count("partners")).prefetch_related("requirements").order_by("-rank"))
    provided = benefits_of([tier.pk for tier in tiers])  # those other apps give (the content library's items)
    return [{"tier": tier, "benefits": benefit_texts(tier), "provided": provided.get(tier.pk, []),
             "requirements": [requirement_text(r, tenant.currency) for r in tier.requirements.all()]}
            for tier in tiers]


def _kind_notes(tenant):
    """What each kind of requirement measures and whether it takes a figure, beside the form."""
    units = {"money": _("an amount in %(currency)s") % {"currency": tenant.currency}, "count": _("a number"),
             "score": _("a score")}
    return [{"label": kind.label, "figure": units.get(kind.unit, kind.unit) if kind.uses_threshold else None}
            for kind in kinds()]


def _fields(data):
    fields = {name: data[name] for name in ("name", "colour", "description", *management.BENEFITS)}
    if data.get("rank") is not None:
        fields["rank"] = data["rank"]
    return fields


class TierListView(DashboardViewMixin, View):
    def get(self, request):
        context = {"ladder": _ladder(self.tenant), "settings": management.tier_settings_of(self.tenant),
                   "can_edit": self.membership.is_tenant_admin}
        return render(request, "tiers/manage/list.html", context)


class TierCreateView(TenantAdminViewMixin, View):
    def get(self, request, form=None, status=200):
        context = {"form": form or TierForm(), "kind_notes": _kind_notes(self.tenant)}
        return render(request, "tiers/manage/form.html", context, status=status)

    def post(self, request):
        form = TierForm(request.POST)
        return (form_submit(request, form, lambda data: management.tier_create(
                    tenant=self.tenant, actor=request.user, requirements=data["requirements"], **_fields(data)),
                    message=_("Tier added to the ladder."), then="tiers:list")
                or self.get(request, form=form, status=400))


class TierEditView(TenantAdminViewMixin, View):
    model = Tier

    def get(self, request, pk, form=None, status=200):
        tier = self.get_object()
        uses = management.tier_uses(tier)
        context = {"tier": tier, "form": form or TierForm(tier=tier), "kind_notes": _kind_notes(self.tenant),
                   "uses": ", ".join(f"{what} ({count})" for what, count in uses), "events": audit_events_for(tier)}
        return render(request, "tiers/manage/form.html", context, status=status)

    def post(self, request, pk):
        tier = self.get_object()
        form = TierForm(request.POST)
        return (form_submit(request, form, lambda data: management.tier_update(
                    tier=tier, actor=request.user, requirements=data["requirements"], **_fields(data)),
                    message=_("Tier saved."), then="tiers:list")
                or self.get(request, pk, form=form, status=400))


class TierMoveView(TenantAdminViewMixin, View):
    model = Tier
    http_method_names = ["post"]

    def post(self, request, pk):
        tier = self.get_object()
        form = MoveForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Move the tier up or down."))
            return redirect("tiers:list")
        try:
            management.tier_move(tier=tier, actor=request.user, direction=form.cleaned_data["direction"])
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("“%(tier)s” moved.") % {"tier": tier.name})
        return redirect("tiers:list")


class TierDeleteView(TenantAdminViewMixin, ServiceActionView):
    model = Tier

    def get_success_message(self, tier):
        return _("“%(tier)s” is deleted.") % {"tier": tier.name}

    def perform(self, tier):
        management.tier_delete(tier=tier, actor=self.request.user)

    def get_success_url(self, obj):
        return reverse("tiers:list")


class TierSettingsView(TenantAdminViewMixin, View):
    """Whether upgrades apply at once or after approval, and the grace period before a downgrade."""

    def get(self, request, form=None, status=200):
        settings = management.tier_settings_of(self.tenant)
        context = {"form": form or TierSettingsForm(instance=settings),
                   "events": audit_events_for(settings) if settings.pk else []}
        return render(request, "tiers/manage/settings.html", context, status=status)

    def post(self, request):
        form = TierSettingsForm(request.POST)
        return (form_submit(request, form, lambda data: management.tier_settings_update(
                    tenant=self.tenant, actor=request.user, **data),
                    message=_("Tier settings saved."), then="tiers:settings")
                or self.get(request, form=form, status=400))
