from django.urls import path

from .views import evaluations, manage, portal

# Included by prm/urls.py under the "tiers" namespace. The tier pages (tiers, requirements,
# settings) add their routes below the evaluations'.

urlpatterns = [
    path("manage/tiers/evaluations/", evaluations.EvaluationListView.as_view(), name="evaluations"),
    path("manage/tiers/evaluations/run/", evaluations.EvaluateNowView.as_view(), name="evaluate_now"),
    path("manage/tiers/evaluations/<int:pk>/", evaluations.PartnerEvaluationView.as_view(), name="evaluation_partner"),
    path("manage/tiers/evaluations/<int:pk>/approve/", evaluations.ApproveView.as_view(), name="evaluation_approve"),
    path("manage/tiers/evaluations/<int:pk>/reject/", evaluations.RejectView.as_view(), name="evaluation_reject"),
    path("manage/tiers/evaluations/<int:pk>/hold/", evaluations.HoldView.as_view(), name="evaluation_hold"),
    path("manage/tiers/evaluations/<int:pk>/release/", evaluations.ReleaseView.as_view(), name="evaluation_release"),
    path("manage/tiers/evaluations/<int:pk>/override/", evaluations.OverrideView.as_view(), name="evaluation_override"),
    path("portal/tier/", portal.PortalTierView.as_view(), name="portal"),
    path("manage/tiers/", manage.TierListView.as_view(), name="list"),
    path("manage/tiers/new/", manage.TierCreateView.as_view(), name="create"),
    path("manage/tiers/settings/", manage.TierSettingsView.as_view(), name="settings"),
    path("manage/tiers/<int:pk>/", manage.TierEditView.as_view(), name="edit"),
    path("manage/tiers/<int:pk>/move/", manage.TierMoveView.as_view(), name="move"),
    path("manage/tiers/<int:pk>/delete/", manage.TierDeleteView.as_view(), name="delete"),
]
