"""Content rows of the matrix's world, made on first use in a test (the world has none): per tenant an
item for every partner with one version (its file in the test's storage), and in Acme an item named
for Contoso only (Northwind must reach it only as a 404)."""

from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils import timezone

from partners.content.models import ContentItem, ContentVersion
from prm.tenancy.context import tenant_context


def _item(tenant, title, partner=None) -> ContentItem:
    with tenant_context(tenant):
        item = ContentItem.objects.filter(title=title).first()
        if item is None:
            item = ContentItem.objects.create(tenant=tenant, title=title, category="sales",
                                              visibility="partners" if partner else "all",
                                              publish_at=timezone.now() - timezone.timedelta(days=1))
            if partner is not None:
                item.partners.set([partner], through_defaults={"tenant": tenant})
            version = ContentVersion(tenant=tenant, item=item, number=1, filename="matrix.pdf", size=9,
                                     content_type="application/pdf", sha256="0" * 64)
            version.file.save("matrix.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
            version.save()
            ContentItem.objects.filter(pk=item.pk).update(current_version=version)
            item.refresh_from_db()
        return item


@dataclass(frozen=True)
class ContentOf:
    attr: str  # the tenant's attribute

    def __call__(self, w):
        return _item(getattr(w, self.attr), "Matrix content")


@dataclass(frozen=True)
class ContosoContent:
    attr: str = "contoso"  # the partner it is named for

    def __call__(self, w):
        return _item(w.acme, "Matrix content for Contoso", partner=getattr(w, self.attr))


@dataclass(frozen=True)
class ContentVersionOf:
    attr: str

    def __call__(self, w):
        item = ContentOf(self.attr)(w)
        with tenant_context(item.tenant):
            return ContentVersion.objects.get(item=item, number=1)


def item_form_data(w, obj=None, **changes):
    return {"title": "Matrix price list", "category": "price_lists", "kind": "file", "visibility": "all",
            "publish_at": "2026-01-01T09:00", "description": "", "language": "", "product_lines": "", **changes}


def version_upload_data(w, obj=None):
    from tests.partners.content.helpers import pdf
    return {"file": pdf("matrix-v2.pdf", "v2"), "note": "Matrix update"}


def api_item_body(w):
    return {"title": "Matrix API item", "category": "training", "kind": "link", "url": "https://learn.example/"}
