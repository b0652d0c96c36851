from django.urls import path

from prm.tenancy.converters import register_choices

from .views import dashboard, portal

app_name = "dealreg"

# Only the values of the views' own tables: anything else is a 404 before a view runs.
register_choices("deal_export_format", dashboard.DealExportView.formats)
register_choices("deal_decision", dashboard.DECISIONS)
register_choices("deal_action", portal.PORTAL_ACTIONS)

urlpatterns = [
    path("manage/deals/", dashboard.DealListView.as_view(), name="dashboard_list"),
    path("manage/deals/queue/", dashboard.DealQueueView.as_view(), name="dashboard_queue"),
    path("manage/deals/queue/approve/", dashboard.BulkApproveView.as_view(), name="dashboard_bulk_approve"),
    path("manage/deals/export.<deal_export_format:fmt>", dashboard.DealExportView.as_view(), name="dashboard_export"),
    path("manage/deals/<int:pk>/", dashboard.DealDetailView.as_view(), name="dashboard_detail"),
    path("manage/deals/<int:pk>/approve/", dashboard.DealApproveView.as_view(), name="dashboard_approve"),
    path("manage/deals/<int:pk>/<deal_decision:decision>/", dashboard.DealDecisionWithTextView.as_view(), name="dashboard_decide"),
    path("manage/deal-rules/", dashboard.RulesView.as_view(), name="rules"),
    path("manage/product-lines/", dashboard.ProductLinesView.as_view(), name="product_lines"),
    path("manage/product-lines/<int:pk>/toggle/", dashboard.ProductLineToggleView.as_view(), name="product_line_toggle"),
    path("portal/deals/", portal.PortalDealListView.as_view(), name="portal_list"),
    path("portal/deals/new/", portal.PortalDealCreateView.as_view(), name="portal_create"),
    path("portal/deals/check/", portal.PortalConflictCheckView.as_view(), name="portal_check"),
    path("portal/deals/<int:pk>/", portal.PortalDealDetailView.as_view(), name="portal_detail"),
    path("portal/deals/<int:pk>/edit/", portal.PortalDealEditView.as_view(), name="portal_edit"),
    path("portal/deals/<int:pk>/<deal_action:action>/", portal.PortalDealActionView.as_view(), name="portal_action"),
]
