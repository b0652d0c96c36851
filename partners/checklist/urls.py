from django.urls import path

from .views import dashboard, portal

# Included by prm/urls.py under the "checklist" namespace.

urlpatterns = [
    path("manage/checklist/", dashboard.StepsView.as_view(), name="steps"),
    path("manage/checklist/settings/", dashboard.SettingsView.as_view(), name="settings"),
    path("manage/checklist/stuck/", dashboard.StuckView.as_view(), name="stuck"),
    path("manage/checklist/steps/<int:pk>/", dashboard.StepEditView.as_view(), name="step_edit"),
    path("manage/checklist/steps/<int:pk>/move/", dashboard.StepMoveView.as_view(), name="step_move"),
    path("manage/checklist/steps/<int:pk>/remove/", dashboard.StepRemoveView.as_view(), name="step_remove"),
    path("manage/checklist/partners/<int:pk>/", dashboard.PartnerChecklistView.as_view(), name="partner"),
    path("manage/checklist/partners/<int:pk>/tick/", dashboard.TickView.as_view(), name="tick"),
    path("manage/checklist/partners/<int:pk>/activate/", dashboard.ActivateView.as_view(), name="activate"),
    path("portal/checklist/", portal.PortalChecklistView.as_view(), name="portal"),
]
