from django.urls import path

from .views import dashboard, public

# Included by prm/urls.py under the "onboarding" namespace: the public pages at /apply/, the
# review queue at /manage/applications/.

urlpatterns = [
    path("apply/", public.ApplyView.as_view(), name="apply"),
    path("apply/thanks/", public.apply_thanks, name="apply_thanks"),
    path("apply/a/<str:token>/", public.ApplicationLinkView.as_view(), name="application_link"),
    path("manage/applications/", dashboard.QueueView.as_view(), name="queue"),
    path("manage/applications/settings/", dashboard.SettingsView.as_view(), name="settings"),
    path("manage/applications/questions/<int:pk>/toggle/", dashboard.QuestionToggleView.as_view(), name="question_toggle"),
    path("manage/applications/<int:pk>/", dashboard.ApplicationDetailView.as_view(), name="detail"),
    path("manage/applications/<int:pk>/approve/", dashboard.ApproveView.as_view(), name="approve"),
    path("manage/applications/<int:pk>/reject/", dashboard.RejectView.as_view(), name="reject"),
    path("manage/applications/<int:pk>/request-info/", dashboard.RequestInfoView.as_view(), name="request_info"),
]
