"""The content library in the portal: the items the partner may see, searched and filtered, with a
"new since your last visit" badge; an item's page with its version history; the download, counted.

Every item is fetched through `visible_items`, so a hidden, expired or unknown item is one 404."""

from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from prm.tenancy.lists import page_context
from prm.tenancy.views import PortalViewMixin

from .. import services
from ..caching import product_line_choices
from ..files import download_response
from ..forms import ContentFilterForm
from ..models import Kind
from ..paging import CappedPaginator
from ..selectors import access_partner_content_item, content_search, previous_visit, version_history, visible_items

PAGE_SIZE = 25


class PortalContentListView(PortalViewMixin, View):
    def get(self, request):
        now = timezone.now()
        since = services.visit_record(tenant=self.tenant, user=request.user, now=now)
        items = visible_items(self.partner, now)
        form = ContentFilterForm(request.GET or None, product_lines=product_line_choices(self.tenant))
        form.is_valid()  # an invalid filter is ignored; the valid ones still apply
        data = getattr(form, "cleaned_data", {})
        new_only = bool(data.get("new"))
        filtered = content_search(items, query=data.get("q", ""), category=data.get("category", ""),
                                  language=data.get("language", ""), product_line=data.get("product_line", ""),
                                  new_since=since if new_only else None)  # a first visit: everything is new
        page = CappedPaginator(filtered.select_related("current_version").order_by("-news_at", "-pk"), PAGE_SIZE).get_page(
            request.GET.get("page"))
        for item in page:
            item.is_new = since is None or item.news_at > since
        context = {**page_context(request, page), "items": page, "filter_form": form, "since": since,
                   "filtered": any(data.get(name) for name in ("q", "category", "language", "product_line", "new"))}
        return render(request, "partners/content/portal/list.html", context)


class PortalContentDetailView(PortalViewMixin, View):
    """The item, its current file and what changed in each version."""

    def get(self, request, pk):
        item = access_partner_content_item(self.partner, pk)
        since = previous_visit(request.user)
        versions = list(version_history(item)) if item.kind == Kind.FILE else []
        return render(request, "partners/content/portal/detail.html",
                      {"item": item, "versions": versions, "is_new": since is None or item.news_at > since})


class PortalContentDownloadView(PortalViewMixin, View):
    """The current file as an attachment (a link item: a redirect to its address), counted for the
    partner and the user."""

    def get(self, request, pk):
        item = access_partner_content_item(self.partner, pk)
        if item.kind == Kind.LINK:
            services.download_record(item=item, partner=self.partner, user=request.user)
            return redirect(item.url)
        response = download_response(item.current_version)
        services.download_record(item=item, partner=self.partner, user=request.user)
        return response
