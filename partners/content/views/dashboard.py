"""The content library on the dashboard: the items with their usage, an item's metadata, visibility,
versions and downloaders, a new version, retiring, and what nobody opens. Staff may download any
version (not counted: the figures are about partners)."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy
from django.views import View

from prm.audit.selectors import audit_events_for
from prm.tenancy.actions import ServiceActionView, form_submit
from prm.tenancy.lists import paged
from prm.tenancy.views import DashboardViewMixin

from .. import services
from ..caching import product_line_choices
from ..files import download_response
from ..forms import ContentFilterForm, ItemForm, NewItemForm, VersionForm
from ..models import ContentItem, ContentVersion, Kind
from ..selectors import UNUSED_AFTER, content_search, downloads_by_partner, downloads_by_user, unused_items, version_history, with_usage

PAGE_SIZE = 50


def _item_page(item):
    return reverse("content:item", args=[item.pk])


def _paged(request, queryset, size=PAGE_SIZE):
    return paged(request, queryset, size)


def _item_fields(data: dict) -> dict:
    return {name: data[name] for name in ItemForm.base_fields}


def _item_response(request, item, *, form=None, version_form=None, status=200):
    context = {"item": item, "form": form or ItemForm(initial=ItemForm.initial_for(item)),
               "version_form": version_form or VersionForm(), "versions": version_history(item),
               "by_partner": downloads_by_partner(item), "by_user": downloads_by_user(item),
               "live": item.is_live(), "events": audit_events_for(item)}
    return render(request, "partners/content/dashboard/item.html", context, status=status)


class ContentListView(DashboardViewMixin, View):
    def get(self, request):
        items = ContentItem.objects.all()
        form = ContentFilterForm(request.GET or None, product_lines=product_line_choices(self.tenant))
        del form.fields["new"]
        form.is_valid()
        data = getattr(form, "cleaned_data", {})
        items = content_search(items, query=data.get("q", ""), category=data.get("category", ""),
                               language=data.get("language", ""), product_line=data.get("product_line", ""))
        context = _paged(request, with_usage(items.select_related("current_version").order_by("-publish_at", "-pk")))
        context.update(items=context["page_obj"], filter_form=form, now=timezone.now(),
                       filtered=any(data.get(name) for name in ("q", "category", "language", "product_line")))
        return render(request, "partners/content/dashboard/list.html", context)


class ContentUnusedView(DashboardViewMixin, View):
    """Live items nobody downloaded in the last 90 days."""

    def get(self, request):
        context = _paged(request, with_usage(unused_items().select_related("current_version").order_by("publish_at", "pk")))
        context.update(items=context["page_obj"], days=UNUSED_AFTER.days)
        return render(request, "partners/content/dashboard/unused.html", context)


class ContentCreateView(DashboardViewMixin, View):
    def get(self, request, form=None, status=200):
        form = form or NewItemForm(initial={"kind": Kind.FILE, "visibility": "all", "publish_at": timezone.now()})
        return render(request, "partners/content/dashboard/create.html", {"form": form}, status=status)

    def post(self, request):
        form = NewItemForm(request.POST, request.FILES)
        return (form_submit(request, form, lambda data: services.item_create(
                    tenant=self.tenant, actor=request.user, upload=data.get("file"), **_item_fields(data)),
                    message=_("Content item saved."), then=_item_page)
                or self.get(request, form=form, status=400))


class ContentItemView(DashboardViewMixin, View):
    """An item: its metadata and visibility (editable), its versions, and who downloaded it."""

    model = ContentItem

    def narrow(self, queryset):
        return with_usage(queryset.select_related("current_version", "created_by", "updated_by"))

    def get(self, request, pk, form=None, status=200):
        return _item_response(request, self.get_object(), form=form, status=status)

    def post(self, request, pk):
        item = self.get_object()
        form = ItemForm(request.POST)
        return (form_submit(request, form, lambda data: services.item_update(item=item, actor=request.user, **_item_fields(data)),
                            message=_("Content item saved."), then=_item_page)
                or self.get(request, pk, form=form, status=400))


class ContentVersionUploadView(DashboardViewMixin, View):
    model = ContentItem
    http_method_names = ["post"]

    def post(self, request, pk):
        item = self.get_object()
        form = VersionForm(request.POST, request.FILES)
        return (form_submit(request, form, lambda data: services.version_upload(
                    item=item, actor=request.user, upload=data["file"], note=data["note"]),
                    message=_("New version uploaded: partners now get it."), then=lambda version: _item_page(item))
                or _item_response(request, item, version_form=form, status=400))


class ContentRetireView(DashboardViewMixin, ServiceActionView):
    model = ContentItem
    success_message = gettext_lazy("“{obj.title}” is retired: partners no longer see it.")

    def perform(self, item):
        services.item_retire(item=item, actor=self.request.user)

    def get_success_url(self, item):
        return _item_page(item)


class ContentVersionDownloadView(DashboardViewMixin, View):
    model = ContentVersion

    def get(self, request, pk):
        return download_response(self.get_object())
