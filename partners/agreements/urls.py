from django.urls import path

from .views import dashboard, portal

# Included by prm/urls.py under the "agreements" namespace: the dashboard pages at /manage/agreements/,
# the partner's agreement at /portal/agreement/.

urlpatterns = [
    path("manage/agreements/", dashboard.TemplateListView.as_view(), name="list"),
    path("manage/agreements/new/", dashboard.TemplateCreateView.as_view(), name="create"),
    path("manage/agreements/settings/", dashboard.AgreementSettingsView.as_view(), name="settings"),
    path("manage/agreements/<int:pk>/", dashboard.TemplateDetailView.as_view(), name="template"),
    path("manage/agreements/<int:pk>/draft/", dashboard.DraftEditView.as_view(), name="draft"),
    path("manage/agreements/versions/<int:pk>/", dashboard.VersionPreviewView.as_view(), name="preview"),
    path("manage/agreements/versions/<int:pk>/publish/", dashboard.VersionPublishView.as_view(), name="publish"),
    path("manage/agreements/signatures/<int:pk>/", dashboard.SignatureDetailView.as_view(), name="signature"),
    path("manage/agreements/signatures/<int:pk>/pdf/", dashboard.SignaturePdfView.as_view(), name="signature_pdf"),
    path("portal/agreement/", portal.PortalAgreementView.as_view(), name="portal_sign"),
    path("portal/agreement/signatures/<int:pk>/pdf/", portal.PortalSignaturePdfView.as_view(), name="portal_signature_pdf"),
]
