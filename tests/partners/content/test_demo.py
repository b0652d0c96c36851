"""The demo library: Acme's Gold-only price list is a real PDF Northwind (Gold) may download and
Contoso (Silver) may not; the sales deck has two versions; loading twice changes nothing."""

import pytest
from django.core.management import call_command

from partners.content.demo import GOLD_PRICE_LIST, load_content_demo
from partners.content.models import ContentItem, ContentVersion
from partners.content.selectors import visible_items
from partners.models import Partner
from prm.tenancy.context import tenant_context
from prm.tenancy.models import Tenant

pytestmark = pytest.mark.django_db


def test_demo_content(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("load_demo")
    acme = Tenant.objects.get(slug="acme")
    with tenant_context(acme):
        price_list = ContentItem.objects.get(title=GOLD_PRICE_LIST)
        assert price_list.visibility == "tiers" and [t.name for t in price_list.tiers.all()] == ["Gold"]
        data = price_list.current_version.file.open("rb").read()
        assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
        deck = ContentItem.objects.get(title="Acme Networks sales deck")
        assert ContentVersion.objects.filter(item=deck).count() == 2 and deck.current_version.note
        kit = ContentItem.objects.get(title="Spring campaign kit for resellers")
        assert kit.business_types == ["reseller"] and kit.current_version.content_type == "application/zip"
        northwind, contoso = Partner.objects.get(name="Northwind Traders"), Partner.objects.get(name="Contoso Integration")
        assert visible_items(northwind).filter(pk=price_list.pk).exists()
        assert not visible_items(contoso).filter(pk=price_list.pk).exists()
        count = ContentItem.objects.count()
    load_content_demo()
    with tenant_context(acme):
        assert ContentItem.objects.count() == count
