"""Items, versions, retiring and visits, through the services."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from partners.content import services
from partners.content.audit_verbs import ContentVerb
from partners.content.models import ContentItem, ContentVersion
from prm.audit.models import AuditEvent
from prm.tenancy.context import tenant_context
from tests.factories import tier_named

from .helpers import make_item, new_version, pdf

pytestmark = pytest.mark.django_db


def test_a_new_upload_is_a_new_version_and_keeps_the_history(world):
    admin = world.acme_admin.user
    item = make_item(world.acme, admin, "Deck")
    second = new_version(item, admin, note="New references slide", text="second")
    with tenant_context(world.acme):
        item.refresh_from_db()
        versions = list(ContentVersion.objects.filter(item=item).order_by("number"))
        assert [v.number for v in versions] == [1, 2]
        assert item.current_version == second
        assert versions[1].note == "New references slide"
        assert versions[0].file.read().startswith(b"%PDF-")  # the first file is still there
        assert versions[0].file.name != versions[1].file.name
        assert versions[1].filename == "next.pdf" and versions[1].content_type == "application/pdf"
        assert len(versions[1].sha256) == 64 and versions[1].size == len(versions[1].file.open("rb").read())
        assert versions[0].file.name.startswith(f"content/{world.acme.pk}/{item.pk}/v1-")
        verbs = list(AuditEvent.objects.filter(target_id=str(item.pk)).order_by("pk").values_list("verb", flat=True))
    assert verbs == [ContentVerb.CREATED, ContentVerb.VERSION_UPLOADED, ContentVerb.VERSION_UPLOADED]


def test_a_later_version_must_say_what_changed(world):
    item = make_item(world.acme, world.acme_admin.user, "Deck")
    with tenant_context(world.acme), pytest.raises(ValidationError) as caught:
        services.version_upload(item=item, actor=world.acme_admin.user, upload=pdf(), note=" ")
    assert "note" in caught.value.message_dict


def test_uploads_are_checked_by_content(world):
    item = make_item(world.acme, world.acme_admin.user, "Deck")
    fake = SimpleUploadedFile("deck.pdf", b"<html><script>alert(1)</script>")
    with tenant_context(world.acme), pytest.raises(ValidationError) as caught:
        services.version_upload(item=item, actor=world.acme_admin.user, upload=fake, note="x")
    assert "is named .pdf but its content is not a .pdf file" in caught.value.message_dict["file"][0]
    exe = SimpleUploadedFile("tool.exe", b"MZ" + bytes(20))
    with tenant_context(world.acme), pytest.raises(ValidationError):
        services.version_upload(item=item, actor=world.acme_admin.user, upload=exe, note="x")
    with tenant_context(world.acme):
        assert ContentVersion.objects.filter(item=item).count() == 1


def test_a_zip_campaign_kit_is_accepted(world):
    item = make_item(world.acme, world.acme_admin.user, "Kit", upload=False)
    kit = SimpleUploadedFile("kit.zip", b"PK\x03\x04" + bytes(40))
    with tenant_context(world.acme):
        version = services.version_upload(item=item, actor=world.acme_admin.user, upload=kit)
    assert version.content_type == "application/zip"


@pytest.mark.parametrize(("fields", "field"), [
    ({"kind": "link"}, "url"),
    ({"visibility": "tiers"}, "tiers"),
    ({"visibility": "types"}, "business_types"),
    ({"visibility": "partners"}, "partners"),
    ({"expires_at": timezone.now() - timedelta(days=5)}, "expires_at"),
])
def test_refusals_name_the_field_to_fix(world, fields, field):
    with pytest.raises(ValidationError) as caught:
        make_item(world.acme, world.acme_admin.user, "Bad", upload=False, **fields)
    assert field in caught.value.message_dict


def test_another_tenants_tier_is_refused(world):
    foreign = tier_named(world.globex, "Gold")
    with pytest.raises(ValidationError):
        make_item(world.acme, world.acme_admin.user, "Bad", visibility="tiers", tiers=[foreign])


def test_update_records_what_changed(world):
    item = make_item(world.acme, world.acme_admin.user, "Deck")
    gold = tier_named(world.acme, "Gold")
    with tenant_context(world.acme):
        services.item_update(item=item, actor=world.acme_admin.user, title="Deck 2027", visibility="tiers", tiers=[gold])
        item.refresh_from_db()
        event = AuditEvent.objects.filter(verb=ContentVerb.UPDATED, target_id=str(item.pk)).get()
        assert list(item.tiers.all()) == [gold]
    assert item.title == "Deck 2027"
    assert event.data["before"]["title"] == "Deck" and event.data["after"]["visibility"] == "tiers"
    assert event.data["after"]["tiers"] == [gold.pk]


def test_retire_expires_now(world):
    item = make_item(world.acme, world.acme_admin.user, "Old")
    now = timezone.now()
    with tenant_context(world.acme):
        services.item_retire(item=item, actor=world.acme_admin.user, now=now)
        item = ContentItem.objects.get(pk=item.pk)
        assert item.expires_at == now and not item.is_live(now)
        with pytest.raises(ValidationError):
            services.item_retire(item=item, actor=world.acme_admin.user, now=now + timedelta(seconds=1))
        assert AuditEvent.objects.filter(verb=ContentVerb.RETIRED, target_id=str(item.pk)).count() == 1


def test_news_at_moves_with_a_new_version_not_with_the_first(world):
    published = timezone.now() - timedelta(days=10)
    item = make_item(world.acme, world.acme_admin.user, "Deck", publish_at=published)
    with tenant_context(world.acme):
        assert ContentItem.objects.get(pk=item.pk).news_at == published
        later = timezone.now()
        services.version_upload(item=item, actor=world.acme_admin.user, upload=pdf(), note="Prices", now=later)
        assert ContentItem.objects.get(pk=item.pk).news_at == later


def test_visits_an_hour_apart_are_two_visits(world):
    user, t0 = world.northwind_rep.user, timezone.now()
    with tenant_context(world.acme):
        assert services.visit_record(tenant=world.acme, user=user, now=t0) is None
        assert services.visit_record(tenant=world.acme, user=user, now=t0 + timedelta(minutes=20)) is None  # same visit
        t2 = t0 + timedelta(hours=3)
        assert services.visit_record(tenant=world.acme, user=user, now=t2) == t0 + timedelta(minutes=20)
        assert services.visit_record(tenant=world.acme, user=user, now=t2 + timedelta(minutes=5)) == t0 + timedelta(minutes=20)


def test_page_views_within_a_minute_write_nothing(world):
    from partners.content.models import ContentVisit

    user, t0 = world.northwind_rep.user, timezone.now()
    with tenant_context(world.acme):
        services.visit_record(tenant=world.acme, user=user, now=t0)
        services.visit_record(tenant=world.acme, user=user, now=t0 + timedelta(seconds=30))
        assert ContentVisit.objects.get(user=user).seen_at == t0
        services.visit_record(tenant=world.acme, user=user, now=t0 + timedelta(minutes=2))
        assert ContentVisit.objects.get(user=user).seen_at == t0 + timedelta(minutes=2)
