"""Self-service profile: partner admins edit it, sensitive fields wait for a manager, the logo is guarded."""

import pytest
from django.urls import reverse

from partners.models import ProfileChange
from prm.audit.models import AuditEvent
from prm.tenancy.context import tenant_context

PROFILE = "/portal/profile/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _data(partner, **changes):
    return {"name": partner.name, "country": str(partner.country.code or ""), "website": partner.website,
            "street": "", "postcode": "", "city": "", "description": "", "specialisations": "", "regions": "", **changes}


def _fresh(partner):
    with tenant_context(partner.tenant):
        return type(partner).objects.get(pk=partner.pk)


def _verbs(partner):
    return list(AuditEvent.unscoped.filter(target_id=partner.pk, target_type="partners.partner").values_list("verb", flat=True))


def _upload(name, content, content_type="image/png"):
    from django.core.files.uploadedfile import SimpleUploadedFile
    return SimpleUploadedFile(name, content, content_type)


def test_partner_admin_edits_plain_fields_at_once_and_sensitive_ones_wait(world, client_as):
    client = client_as(world.northwind_admin)
    response = client.post(PROFILE, _data(world.northwind, name="Northwind Traders GmbH", country="DE", city="Leipzig",
                                          street="Hauptstr. 1", postcode="04109", specialisations="cloud, security"))
    assert response.status_code == 302
    partner = _fresh(world.northwind)
    assert (partner.city, partner.street, partner.postcode) == ("Leipzig", "Hauptstr. 1", "04109")
    assert partner.specialisation_list == ["cloud", "security"]
    assert partner.name == "Northwind Traders"  # waits for approval
    assert str(partner.country.code or "") != "DE"
    with tenant_context(world.acme):
        waiting = {c.field: (c.old_value, c.new_value) for c in ProfileChange.objects.filter(partner=partner)}
    assert waiting["name"] == ("Northwind Traders", "Northwind Traders GmbH")
    assert waiting["country"][1] == "DE"
    assert "partner.profile_edited" in _verbs(partner) and "partner.change_requested" in _verbs(partner)
    page = client.get(PROFILE)
    assert b"Waiting for approval" in page.content and b"Northwind Traders GmbH" in page.content


def test_partner_user_sees_the_profile_read_only_and_cannot_edit(world, client_as):
    client = client_as(world.northwind_rep)
    page = client.get(PROFILE)
    assert page.status_code == 200 and page.context["form"] is None
    assert b"Save changes" not in page.content
    assert client.post(PROFILE, _data(world.northwind, city="Leipzig")).status_code == 403
    assert _fresh(world.northwind).city == ""
    assert _verbs(world.northwind) == []


def test_portal_home_points_admins_at_the_profile_page(world, client_as):
    assert b"Edit your company profile" in client_as(world.northwind_admin).get("/portal/").content
    home = client_as(world.northwind_rep).get("/portal/").content
    assert b"Edit your company profile" not in home and b"ask your channel manager" not in home


@pytest.mark.parametrize("decision, name", [("change_approve", "Northwind Traders GmbH"), ("change_reject", "Northwind Traders")])
def test_manager_approves_or_rejects_the_pending_change(world, client_as, decision, name):
    client_as(world.northwind_admin).post(PROFILE, _data(world.northwind, name="Northwind Traders GmbH"))
    with tenant_context(world.acme):
        change = ProfileChange.objects.get(partner=world.northwind, field="name")
    manager = client_as(world.acme_manager)
    detail = manager.get(reverse("partners:dashboard_detail", args=[world.northwind.pk]))
    assert b"Profile changes waiting for approval" in detail.content
    assert b"Profile change requested" in detail.content  # the timeline names the request
    assert manager.post(reverse(f"partners:{decision}", args=[change.pk])).status_code == 302
    assert _fresh(world.northwind).name == name
    change.refresh_from_db()
    assert change.status == ("approved" if decision == "change_approve" else "rejected")
    verb = "partner.change_approved" if decision == "change_approve" else "partner.change_rejected"
    assert verb in _verbs(world.northwind)
    # Decided once: a second click changes nothing.
    manager.post(reverse(f"partners:{decision}", args=[change.pk]))
    assert _verbs(world.northwind).count(verb) == 1
    assert b"Waiting for approval" not in client_as(world.northwind_admin).get(PROFILE).content


@pytest.mark.parametrize("upload, message", [
    (("logo.png", b"%PDF-1.4 not an image"), b"its content is not a .png file"),
    (("logo.pdf", b"%PDF-1.4"), b"Upload a .png or .jpg file"),
    (("logo.png", PNG + b"\x00" * (1024 * 1024)), b"The file is larger than"),
])
def test_logo_must_be_a_small_image_and_the_error_is_next_to_the_field(world, client_as, upload, message):
    response = client_as(world.northwind_admin).post(PROFILE, {**_data(world.northwind, city="Leipzig"), "logo": _upload(*upload)})
    assert response.status_code == 400
    assert message in response.content
    assert response.context["form"].errors["logo"]
    assert b'id="id_logo_error"' in response.content
    partner = _fresh(world.northwind)
    assert not partner.logo and partner.city == ""


def test_logo_is_served_to_its_partner_and_staff_only(world, client_as):
    client_as(world.northwind_admin).post(PROFILE, {**_data(world.northwind), "logo": _upload("logo.png", PNG)})
    partner = _fresh(world.northwind)
    assert partner.logo
    portal_url = reverse("portal:logo", args=[partner.pk])
    dashboard_url = reverse("partners:dashboard_logo", args=[partner.pk])
    own = client_as(world.northwind_rep).get(portal_url)
    assert own.status_code == 200 and own["Content-Type"] == "image/png"
    assert b"".join(own.streaming_content) == PNG
    assert client_as(world.acme_manager).get(dashboard_url).status_code == 200
    missing = client_as(world.contoso_rep).get(reverse("portal:logo", args=[999999]))
    other_partner = client_as(world.contoso_rep).get(portal_url)
    assert other_partner.status_code == missing.status_code == 404 and other_partner.content == missing.content
    staff_missing = client_as(world.globex_manager).get(reverse("partners:dashboard_logo", args=[999999]))
    other_tenant = client_as(world.globex_manager).get(dashboard_url)
    assert other_tenant.status_code == staff_missing.status_code == 404 and other_tenant.content == staff_missing.content
