from django.urls import path

from .views import dashboard, portal

# Included by prm/urls.py under the "content" namespace: the dashboard at /manage/content/, the
# partners' library at /portal/content/.

urlpatterns = [
    path("manage/content/", dashboard.ContentListView.as_view(), name="list"),
    path("manage/content/new/", dashboard.ContentCreateView.as_view(), name="create"),
    path("manage/content/unused/", dashboard.ContentUnusedView.as_view(), name="unused"),
    path("manage/content/<int:pk>/", dashboard.ContentItemView.as_view(), name="item"),
    path("manage/content/<int:pk>/versions/", dashboard.ContentVersionUploadView.as_view(), name="upload"),
    path("manage/content/<int:pk>/retire/", dashboard.ContentRetireView.as_view(), name="retire"),
    path("manage/content/versions/<int:pk>/download/", dashboard.ContentVersionDownloadView.as_view(), name="version_download"),
    path("portal/content/", portal.PortalContentListView.as_view(), name="portal_list"),
    path("portal/content/<int:pk>/", portal.PortalContentDetailView.as_view(), name="portal_item"),
    path("portal/content/<int:pk>/download/", portal.PortalContentDownloadView.as_view(), name="portal_download"),
]
