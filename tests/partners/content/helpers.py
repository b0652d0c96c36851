"""Content rows for the tests: items made through the services, files as small real uploads."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from partners.content.demo import simple_pdf
from partners.content.services import item_create, version_upload
from prm.tenancy.context import tenant_context


def pdf(name="file.pdf", text="Hello"):
    return SimpleUploadedFile(name, simple_pdf([text]), content_type="application/pdf")


def make_item(tenant, actor, title="Item", *, upload=True, **fields):
    fields.setdefault("category", "sales")
    fields.setdefault("publish_at", timezone.now() - timedelta(days=1))
    with tenant_context(tenant):
        return item_create(tenant=tenant, actor=actor, title=title, upload=pdf(f"{title}.pdf", title) if upload else None,
                           **fields)


def new_version(item, actor, note="Fixed typos", text="v2"):
    with tenant_context(item.tenant):
        return version_upload(item=item, actor=actor, upload=pdf("next.pdf", text), note=note)
