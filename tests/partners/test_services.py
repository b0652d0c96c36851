"""partner_create / update / deactivate / reactivate: rules, derived domain, audit rows."""

import pytest
from django.core.exceptions import ValidationError

from partners.domains import domain_from_website
from partners.models import Partner, PartnerStatus
from partners.services import partner_create, partner_deactivate, partner_reactivate, partner_update
from prm.audit.models import AuditEvent
from prm.invitations.models import Invitation
from prm.invitations.services import invitation_accept, invitation_create
from prm.tenancy.models import Role
from tests.factories import tier_named
from tests.support import is_signed_in, sign_in


@pytest.mark.parametrize(
    ("website", "domain"),
    [
        ("https://www.Northwind.example/about", "northwind.example"),
        ("http://northwind.example", "northwind.example"),
        ("northwind.example", "northwind.example"),
        ("www.northwind.example/path?q=1", "northwind.example"),
        ("HTTPS://Shop.Contoso.Example:8443/en/", "shop.contoso.example"),
        ("https://wwwtools.example", "wwwtools.example"),
        ("  https://initech.example.  ", "initech.example"),
        ("", ""),
    ],
)
def test_domain_from_website(website, domain):
    assert domain_from_website(website) == domain


@pytest.fixture
def acme(world, in_tenant):
    with in_tenant(world.acme):
        yield world


def _events(partner, verb):
    return list(AuditEvent.unscoped.filter(target_type="partners.partner", target_id=str(partner.pk), verb=verb))


def test_create_derives_domain_and_audits(acme):
    actor = acme.acme_manager.user
    partner = partner_create(tenant=acme.acme, actor=actor, name="Fabrikam", website="https://www.Fabrikam.example/home",
                             tier=tier_named(acme.acme, "Gold"))
    assert partner.domain == "fabrikam.example"
    assert partner.tenant == acme.acme
    assert partner.created_by == actor
    [event] = _events(partner, "partner.created")
    assert (event.actor, event.tenant, event.to_state) == (actor, acme.acme, PartnerStatus.ACTIVE)


@pytest.mark.parametrize("name", ["Northwind Traders", "northwind traders", "  NORTHWIND TRADERS "])
def test_duplicate_name_in_tenant_is_a_name_error(acme, name):
    with pytest.raises(ValidationError) as excinfo:
        partner_create(tenant=acme.acme, actor=acme.acme_manager.user, name=name)
    assert list(excinfo.value.message_dict) == ["name"]
    assert Partner.objects.count() == 2


def test_same_name_in_another_tenant_is_fine(world, in_tenant):
    with in_tenant(world.globex):
        partner = partner_create(tenant=world.globex, actor=world.globex_manager.user, name="Northwind Traders")
    assert partner.tenant == world.globex
    assert Partner.unscoped.filter(name="Northwind Traders").count() == 2


def test_invalid_fields_are_field_errors(acme):
    with pytest.raises(ValidationError) as excinfo:
        partner_create(tenant=acme.acme, actor=acme.acme_manager.user, name="", primary_contact_email="not-an-email")
    assert {"name", "primary_contact_email"} <= set(excinfo.value.message_dict)


def test_new_partner_cannot_start_deactivated(acme):
    with pytest.raises(ValidationError) as excinfo:
        partner_create(tenant=acme.acme, actor=acme.acme_manager.user, name="Dead on arrival", status=PartnerStatus.INACTIVE)
    assert "status" in excinfo.value.message_dict


def test_update_rederives_domain_and_audits_changes(acme):
    actor = acme.acme_manager.user
    partner = partner_update(partner=acme.northwind, actor=actor, website="https://www.nw-traders.example/",
                             notes="Top reseller")
    assert partner.domain == "nw-traders.example"
    assert Partner.objects.get(pk=partner.pk).notes == "Top reseller"
    [event] = _events(partner, "partner.updated")
    assert event.actor == actor
    assert event.data["changed"]["notes"] == ["", "Top reseller"]
    assert event.data["changed"]["website"] == ["https://northwind.example", "https://www.nw-traders.example/"]


def test_a_tier_change_is_refused_on_the_partner_record(acme):
    with pytest.raises(ValidationError) as excinfo:
        partner_update(partner=acme.northwind, actor=acme.acme_manager.user, tier=tier_named(acme.acme, "Gold"),
                       notes="x")
    assert "tier" in excinfo.value.message_dict
    assert (Partner.objects.get(pk=acme.northwind.pk).tier.name, _events(acme.northwind, "partner.updated")) == (
        "Silver", [])


def test_update_to_a_taken_name_is_a_name_error_but_own_name_is_fine(acme):
    with pytest.raises(ValidationError) as excinfo:
        partner_update(partner=acme.northwind, actor=acme.acme_manager.user, name="CONTOSO integration")
    assert "name" in excinfo.value.message_dict
    partner_update(partner=acme.northwind, actor=acme.acme_manager.user, name="NORTHWIND Traders")
    assert Partner.objects.get(pk=acme.northwind.pk).name == "NORTHWIND Traders"


def test_update_without_changes_writes_no_audit_row(acme):
    partner_update(partner=acme.northwind, actor=acme.acme_manager.user, tier=tier_named(acme.acme, "Silver"))
    assert _events(acme.northwind, "partner.updated") == []


def test_update_cannot_deactivate(acme):
    with pytest.raises(ValidationError) as excinfo:
        partner_update(partner=acme.northwind, actor=acme.acme_manager.user, status=PartnerStatus.INACTIVE)
    assert "status" in excinfo.value.message_dict
    assert Partner.objects.get(pk=acme.northwind.pk).status == PartnerStatus.ACTIVE


def test_deactivate_revokes_pending_invitations_and_audits(acme):
    manager = acme.acme_manager
    pending, _ = invitation_create(tenant=acme.acme, actor_membership=manager, email="p@northwind.example",
                                   role=Role.PARTNER_USER, partner=acme.northwind)
    accepted, _ = invitation_create(tenant=acme.acme, actor_membership=manager, email="a@northwind.example",
                                    role=Role.PARTNER_USER, partner=acme.northwind)
    invitation_accept(invitation=accepted, full_name="A", password="accepted-pass-123")
    other, _ = invitation_create(tenant=acme.acme, actor_membership=manager, email="c@contoso.example",
                                 role=Role.PARTNER_USER, partner=acme.contoso)

    partner_deactivate(partner=acme.northwind, actor=manager.user, reason="Contract ended")

    partner = Partner.objects.get(pk=acme.northwind.pk)
    assert partner.status == PartnerStatus.INACTIVE
    assert partner.deactivated_at is not None
    statuses = {i.email: i.status for i in Invitation.objects.all()}
    assert statuses == {"p@northwind.example": "revoked", "a@northwind.example": "accepted", "c@contoso.example": "pending"}
    [event] = _events(partner, "partner.deactivated")
    assert (event.actor, event.from_state, event.to_state) == (manager.user, "active", "inactive")
    assert event.data == {"reason": "Contract ended"}


def test_deactivate_twice_is_refused(acme):
    partner_deactivate(partner=acme.northwind, actor=acme.acme_manager.user)
    with pytest.raises(ValidationError):
        partner_deactivate(partner=Partner.objects.get(pk=acme.northwind.pk), actor=acme.acme_manager.user)
    assert len(_events(acme.northwind, "partner.deactivated")) == 1


def test_deactivated_partners_users_cannot_sign_in_until_reactivated(world, in_tenant, anon_client):
    with in_tenant(world.acme):
        partner_deactivate(partner=world.northwind, actor=world.acme_manager.user)
    for member in (world.northwind_admin, world.northwind_rep):
        client = anon_client(world.acme)
        sign_in(client, member.user.email)
        assert not is_signed_in(client)

    with in_tenant(world.acme):
        partner_reactivate(partner=Partner.objects.get(pk=world.northwind.pk), actor=world.acme_admin.user)
    client = anon_client(world.acme)
    assert sign_in(client, world.northwind_rep.user.email).status_code == 302
    assert is_signed_in(client)


def test_reactivate_audits_and_refuses_an_active_partner(acme):
    actor = acme.acme_admin.user
    with pytest.raises(ValidationError):
        partner_reactivate(partner=acme.northwind, actor=actor)
    partner_deactivate(partner=acme.northwind, actor=actor)
    partner = partner_reactivate(partner=Partner.objects.get(pk=acme.northwind.pk), actor=actor)
    assert Partner.objects.get(pk=partner.pk).status == PartnerStatus.ACTIVE
    assert Partner.objects.get(pk=partner.pk).deactivated_at is None
    [event] = _events(partner, "partner.reactivated")
    assert (event.actor, event.from_state, event.to_state) == (actor, "inactive", "active")
