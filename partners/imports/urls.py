from django.urls import path

from . import views

# Included by prm/urls.py under the "partner_imports" namespace.

urlpatterns = [
    path("manage/partners/imports/", views.UploadView.as_view(), name="upload"),
    path("manage/partners/imports/<int:pk>/", views.ImportDetailView.as_view(), name="detail"),
    path("manage/partners/imports/<int:pk>/confirm/", views.ImportConfirmView.as_view(), name="confirm"),
    path("manage/partners/imports/<int:pk>/problems.csv", views.ImportBadRowsView.as_view(), name="problems"),
]
