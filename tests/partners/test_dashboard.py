"""The partner pages of the dashboard (/manage/partners/): list, filters, forms, buttons."""

import pytest

from partners.models import Partner, PartnerStatus
from prm.audit.models import AuditEvent
from tests.factories import PartnerFactory, tier_named

LIST = "/manage/partners/"


@pytest.fixture
def manager(world, client_as):
    return client_as(world.acme_manager)


@pytest.fixture
def catalogue(world):
    """A few acme partners that differ in one searchable field each."""
    PartnerFactory(tenant=world.acme, name="Fabrikam", website="https://fabrikam.example", domain="fabrikam.example", tier="Gold")
    PartnerFactory(tenant=world.acme, name="Tailspin Toys", primary_contact_name="Zelda Quist", tier="Gold")
    PartnerFactory(tenant=world.acme, name="Wingtip", primary_contact_email="owner@wingtip-mail.example", tier="Registered")
    PartnerFactory(tenant=world.acme, name="Litware", status=PartnerStatus.INACTIVE, tier="Gold")
    PartnerFactory(tenant=world.acme, name="Proseware", status=PartnerStatus.ONBOARDING)
    return world


def _names(response):
    return [p.name for p in response.context["partners"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Contoso Integration", "Fabrikam", "Litware", "Northwind Traders", "Proseware", "Tailspin Toys", "Wingtip"]),
        ("north", ["Northwind Traders"]),
        ("q=FABRIKAM.example", ["Fabrikam"]),
        ("q=quist", ["Tailspin Toys"]),
        ("q=wingtip-mail", ["Wingtip"]),
        ("status=inactive", ["Litware"]),
        ("status=onboarding", ["Proseware"]),
        ("tier=Gold", ["Fabrikam", "Litware", "Tailspin Toys"]),
        ("tier=Gold&status=active", ["Fabrikam", "Tailspin Toys"]),
        ("q=toys&tier=Gold", ["Tailspin Toys"]),
    ],
)
def test_list_search_and_filters(catalogue, manager, query, expected):
    if query and "=" not in query:
        query = f"q={query}"
    response = manager.get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert _names(response) == expected


def test_list_shows_only_this_tenants_partners(world, manager, client_as):
    PartnerFactory(tenant=world.globex, name="Globex Only Partner")
    response = manager.get(f"{LIST}?q=partner")
    assert b"Globex Only Partner" not in response.content
    assert b"Initech" not in manager.get(LIST).content
    assert _names(client_as(world.globex_manager).get(f"{LIST}?q=globex")) == ["Globex Only Partner"]


def test_list_paginates_25_per_page(world, manager):
    for n in range(28):
        PartnerFactory(tenant=world.acme, name=f"Reseller {n:02d}")
    first = manager.get(LIST)
    assert len(first.context["partners"]) == 25
    assert first.context["paginator"].count == 30
    assert b"Page 1 of 2" in first.content
    assert b'page=2" rel="next"' in first.content

    second = manager.get(f"{LIST}?page=2")
    assert len(second.context["partners"]) == 5
    assert not set(_names(first)) & set(_names(second))


def test_pagination_links_keep_the_filters(world, manager):
    for n in range(30):
        PartnerFactory(tenant=world.acme, name=f"Reseller {n:02d}", tier="Gold")
    response = manager.get(f"{LIST}?q=reseller&tier=Gold")
    assert b"q=reseller&amp;tier=Gold&amp;page=2" in response.content
    assert len(manager.get(f"{LIST}?q=reseller&tier=Gold&page=2").context["partners"]) == 5


VALID = {"name": "Fabrikam", "status": "active", "country": "US", "website": "https://www.fabrikam.example/"}


def test_create_partner(world, manager):
    response = manager.post("/manage/partners/new/", {**VALID, "tier": tier_named(world.acme, "Gold").pk})
    partner = Partner.unscoped.get(tenant=world.acme, name="Fabrikam")
    assert response.status_code == 302
    assert partner.tier.name == "Gold"
    assert response["Location"] == f"/manage/partners/{partner.pk}/"
    assert partner.domain == "fabrikam.example"
    assert AuditEvent.unscoped.filter(verb="partner.created", target_id=str(partner.pk), actor=world.acme_manager.user).exists()
    detail = manager.get(response["Location"])
    assert b"Fabrikam was added" in detail.content


def test_a_tier_of_another_program_is_refused(world, manager):
    response = manager.post("/manage/partners/new/", {**VALID, "tier": tier_named(world.globex, "Gold").pk})
    assert response.status_code == 400
    assert "tier" in response.context["form"].errors
    assert not Partner.unscoped.filter(name="Fabrikam").exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"website": "not a web address"}, "website", "Enter a valid URL."),
        ({"name": "northwind TRADERS"}, "name", "Another partner in this program already has this name."),
        ({"primary_contact_email": "nobody"}, "primary_contact_email", "Enter a valid email address."),
    ],
)
def test_create_form_errors_are_shown_next_to_the_field(world, manager, change, field, message):
    before = Partner.unscoped.count()
    response = manager.post("/manage/partners/new/", {**VALID, **change})
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert f'<p class="error" id="id_{field}_error">{message}</p>'.encode() in response.content
    assert Partner.unscoped.count() == before


def test_edit_partner(world, manager):
    url = f"/manage/partners/{world.northwind.pk}/edit/"
    page = manager.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["name"] == "Northwind Traders"

    assert "tier" not in page.context["form"].fields  # moved by its evaluation, or overridden there
    data = {**page.context["form"].initial, "tier": tier_named(world.acme, "Gold").pk, "notes": "Top reseller"}
    data = {k: v for k, v in data.items() if k in page.context["form"].fields and v is not None}
    response = manager.post(url, data)
    assert response.status_code == 302
    partner = Partner.unscoped.get(pk=world.northwind.pk)
    assert (partner.tier.name, partner.notes) == ("Silver", "Top reseller")
    event = AuditEvent.unscoped.get(verb="partner.updated", target_id=str(partner.pk))
    assert set(event.data["changed"]) == {"notes"}


def test_edit_to_a_duplicate_name_is_an_error_on_name(world, manager):
    url = f"/manage/partners/{world.northwind.pk}/edit/"
    response = manager.post(url, {"name": "Contoso Integration", "status": "active"})
    assert response.status_code == 400
    assert response.context["form"].errors["name"] == ["Another partner in this program already has this name."]
    assert Partner.unscoped.get(pk=world.northwind.pk).name == "Northwind Traders"


def test_another_tenants_partner_is_404(world, manager):
    for path in (f"/manage/partners/{world.initech.pk}/", f"/manage/partners/{world.initech.pk}/edit/"):
        assert manager.get(path).status_code == 404
    assert manager.post(f"/manage/partners/{world.initech.pk}/deactivate/").status_code == 404
    assert Partner.unscoped.get(pk=world.initech.pk).status == PartnerStatus.ACTIVE


def test_deactivate_and_reactivate_buttons(world, manager):
    detail = f"/manage/partners/{world.northwind.pk}/"
    assert b"Deactivate Northwind Traders" in manager.get(detail).content

    response = manager.post(f"{detail}deactivate/", {"reason": "Contract ended"})
    assert response.status_code == 302 and response["Location"] == detail
    partner = Partner.unscoped.get(pk=world.northwind.pk)
    assert partner.status == PartnerStatus.INACTIVE
    page = manager.get(detail)
    assert b"is deactivated; its users can no longer sign in" in page.content
    assert b"Reactivate partner" in page.content
    assert b"Send invitation" not in page.content
    assert AuditEvent.unscoped.get(verb="partner.deactivated", target_id=str(partner.pk)).data == {"reason": "Contract ended"}

    # Deactivating twice reports the problem instead of failing.
    again = manager.post(f"{detail}deactivate/", follow=True)
    assert b"already deactivated" in again.content

    response = manager.post(f"{detail}reactivate/")
    assert response.status_code == 302
    assert Partner.unscoped.get(pk=world.northwind.pk).status == PartnerStatus.ACTIVE
    assert AuditEvent.unscoped.filter(verb="partner.reactivated", target_id=str(partner.pk), actor=world.acme_manager.user).exists()


def test_detail_shows_the_timeline(world, manager):
    manager.post(f"/manage/partners/{world.northwind.pk}/deactivate/", {"reason": "Contract ended"})
    page = manager.get(f"/manage/partners/{world.northwind.pk}/")
    assert [e.verb for e in page.context["events"]] == ["partner.deactivated"]


def test_partner_users_cannot_reach_the_dashboard(world, client_as):
    client = client_as(world.northwind_admin)
    assert client.get(LIST).status_code == 403
    assert client.post(f"/manage/partners/{world.northwind.pk}/deactivate/").status_code == 403
    assert Partner.unscoped.get(pk=world.northwind.pk).status == PartnerStatus.ACTIVE


def test_anonymous_visitor_is_sent_to_sign_in(world, anon_client):
    response = anon_client(world.acme).get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
