from django.urls import path

from .views import dashboard, portal

# Included by prm/urls.py under the "training" namespace.

urlpatterns = [
    path("manage/training/", dashboard.CoursesView.as_view(), name="courses"),
    path("manage/training/courses/<int:pk>/", dashboard.CourseEditView.as_view(), name="course_edit"),
    path("manage/training/courses/<int:pk>/toggle/", dashboard.CourseToggleView.as_view(), name="course_toggle"),
    path("manage/training/completions/", dashboard.CompletionsView.as_view(), name="completions"),
    path("manage/training/completions/<int:pk>/approve/", dashboard.CompletionApproveView.as_view(), name="approve"),
    path("manage/training/completions/<int:pk>/reject/", dashboard.CompletionRejectView.as_view(), name="reject"),
    path("manage/training/completions/<int:pk>/certificate/", dashboard.CertificateView.as_view(), name="certificate"),
    path("manage/training/imports/", dashboard.ImportUploadView.as_view(), name="import_upload"),
    path("manage/training/imports/<int:pk>/", dashboard.ImportDetailView.as_view(), name="import"),
    path("manage/training/imports/<int:pk>/confirm/", dashboard.ImportConfirmView.as_view(), name="import_confirm"),
    path("manage/training/coverage/", dashboard.CoverageView.as_view(), name="coverage"),
    path("portal/training/", portal.PortalTrainingView.as_view(), name="portal"),
    path("portal/training/certificates/<int:pk>/", portal.PortalCertificateView.as_view(), name="portal_certificate"),
]
