from django.urls import path

from . import views

# Included by prm/urls.py under the "loyalty" namespace.

urlpatterns = [
    path("portal/points/", views.PortalPointsView.as_view(), name="portal"),
]
