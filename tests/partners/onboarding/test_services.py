"""Every move of an application, with its audit row; duplicates flagged; approval creates the partner."""

import pytest
from django.core.exceptions import ValidationError

from partners.models import Partner, PartnerStatus
from partners.onboarding import services
from partners.onboarding.models import Application, ApplicationStatus as S, OnboardingSettings
from prm.audit.models import AuditEvent
from prm.invitations.models import Invitation
from prm.tenancy.models import Role

from .helpers import make_application


@pytest.fixture
def submitted(world, in_tenant):
    with in_tenant(world.acme):
        application = make_application(world.acme)
        services.application_confirm(application=application)
        return application


def _verbs(application):
    return list(AuditEvent.objects.filter(target_id=str(application.pk), target_type="partners.application")
                .order_by("id").values_list("verb", "from_state", "to_state"))


def test_receive_and_confirm_are_recorded(world, in_tenant, submitted):
    with in_tenant(world.acme):
        assert _verbs(submitted) == [("application.received", "", S.UNCONFIRMED),
                                     ("application.confirmed", S.UNCONFIRMED, S.SUBMITTED)]


def test_approve_creates_an_onboarding_partner_invites_the_applicant_and_assigns_the_manager(
        world, in_tenant, submitted, mailoutbox, django_capture_on_commit_callbacks):
    with in_tenant(world.acme), django_capture_on_commit_callbacks(execute=True):
        services.application_approve(application=submitted, actor_membership=world.acme_manager)
    with in_tenant(world.acme):
        submitted.refresh_from_db()
        partner = Partner.objects.get(name="Fabrikam Networks GmbH")
        assert submitted.status == S.APPROVED and submitted.partner == partner
        assert partner.status == PartnerStatus.ONBOARDING
        assert partner.business_type == "reseller"  # chooses its agreement
        assert partner.owner == world.acme_manager
        assert partner.domain == "fabrikam.example"
        invitation = Invitation.objects.get(email="fran@fabrikam.example")
        assert invitation.partner == partner and invitation.role == Role.PARTNER_ADMIN
        assert _verbs(submitted)[-1] == ("application.approved", S.SUBMITTED, S.APPROVED)
    assert ["fran@fabrikam.example"] in [m.to for m in mailoutbox]


def test_approve_with_another_channel_manager(world, in_tenant, submitted):
    with in_tenant(world.acme):
        services.application_approve(application=submitted, actor_membership=world.acme_manager, owner=world.acme_admin)
        assert Partner.objects.get(name="Fabrikam Networks GmbH").owner == world.acme_admin


def test_the_owner_must_be_staff(world, in_tenant, submitted):
    with in_tenant(world.acme), pytest.raises(ValidationError):
        services.application_approve(application=submitted, actor_membership=world.acme_manager,
                                     owner=world.northwind_admin)
    with in_tenant(world.acme):
        assert Application.objects.get(pk=submitted.pk).status == S.SUBMITTED


def test_reject_needs_a_reason_and_emails_it(world, in_tenant, submitted, mailoutbox, django_capture_on_commit_callbacks):
    with in_tenant(world.acme):
        with pytest.raises(ValidationError):
            services.application_reject(application=submitted, actor=world.acme_manager.user, reason=" ")
        with django_capture_on_commit_callbacks(execute=True):
            services.application_reject(application=submitted, actor=world.acme_manager.user,
                                        reason="We have enough resellers in your region.")
        assert Application.objects.get(pk=submitted.pk).status == S.REJECTED
        assert _verbs(submitted)[-1] == ("application.rejected", S.SUBMITTED, S.REJECTED)
    assert "We have enough resellers in your region." in mailoutbox[-1].body


def test_request_info_and_the_answer_move_back_and_forth(world, in_tenant, submitted):
    with in_tenant(world.acme):
        services.application_request_info(application=submitted, actor=world.acme_manager.user, question="Regions?")
        assert submitted.status == S.MORE_INFO
        with pytest.raises(ValidationError):
            services.application_request_info(application=submitted, actor=world.acme_manager.user, question="Again?")
        services.application_provide_info(application=submitted, answer="DACH")
        assert Application.objects.get(pk=submitted.pk).status == S.SUBMITTED
        assert [v for v, *_ in _verbs(submitted)][-2:] == ["application.info_requested", "application.info_provided"]


@pytest.mark.parametrize("action", ["approve", "reject", "request_info"])
def test_an_unconfirmed_application_cannot_be_decided(world, in_tenant, action):
    with in_tenant(world.acme):
        application = make_application(world.acme)
        before = AuditEvent.objects.count()
        with pytest.raises(ValidationError):
            if action == "approve":
                services.application_approve(application=application, actor_membership=world.acme_manager)
            elif action == "reject":
                services.application_reject(application=application, actor=world.acme_manager.user, reason="No")
            else:
                services.application_request_info(application=application, actor=world.acme_manager.user, question="?")
        assert Application.objects.get(pk=application.pk).status == S.UNCONFIRMED
        assert AuditEvent.objects.count() == before
        assert not Partner.objects.filter(name="Fabrikam Networks GmbH").exists()


def test_a_decided_application_cannot_be_decided_again(world, in_tenant, submitted):
    with in_tenant(world.acme):
        services.application_reject(application=submitted, actor=world.acme_manager.user, reason="No")
        with pytest.raises(ValidationError):
            services.application_approve(application=submitted, actor_membership=world.acme_manager)
        with pytest.raises(ValidationError):
            services.application_provide_info(application=submitted, answer="late")
        assert not Partner.objects.filter(name="Fabrikam Networks GmbH").exists()


def test_same_domain_as_a_partner_is_flagged_and_linked(world, in_tenant):
    with in_tenant(world.acme):
        application = make_application(world.acme, company="NW Trading", website="http://northwind.example/about")
        assert application.matched_partner == world.northwind
        assert application.is_flagged


def test_same_normalised_name_as_a_partner_is_flagged(world, in_tenant):
    with in_tenant(world.acme):
        application = make_application(world.acme, company="The Contoso Integration Ltd.", website="contoso-new.example")
        assert application.matched_partner == world.contoso


def test_a_partner_of_another_tenant_is_no_match(world, in_tenant):
    with in_tenant(world.acme):
        application = make_application(world.acme, company="Initech Solutions", website="initech.example")
        assert application.matched_partner is None


def test_same_company_as_an_open_application_is_flagged(world, in_tenant):
    with in_tenant(world.acme):
        first = make_application(world.acme)
        second = make_application(world.acme, company="Fabrikam Networks", website="fabrikam-other.example",
                                  contact_email="sales@fabrikam.example")
        assert second.duplicate_of == first
        services.application_confirm(application=first)
        services.application_reject(application=first, actor=world.acme_manager.user, reason="No")
        third = make_application(world.acme, contact_email="x@fabrikam.example")
        assert third.duplicate_of == second  # the rejected one is no longer open


def test_unflagged_application_from_an_auto_approved_domain_skips_review(world, in_tenant):
    with in_tenant(world.acme):
        OnboardingSettings.objects.create(tenant=world.acme, auto_approve_domains="fabrikam.example\n")
        application = make_application(world.acme)
        services.application_confirm(application=application)
        assert Application.objects.get(pk=application.pk).status == S.APPROVED
        assert Partner.objects.get(name="Fabrikam Networks GmbH").status == PartnerStatus.ONBOARDING
        assert Invitation.objects.filter(email="fran@fabrikam.example").exists()
        assert AuditEvent.objects.get(verb="application.approved").actor_label == services.AUTO_APPROVAL


def test_by_default_every_application_is_reviewed(world, in_tenant):
    with in_tenant(world.acme):
        application = make_application(world.acme)
        services.application_confirm(application=application)
        assert Application.objects.get(pk=application.pk).status == S.SUBMITTED


def test_every_application_move_has_a_verb():
    from partners.onboarding.audit_verbs import OnboardingVerb
    from partners.onboarding.states import TRANSITIONS

    assert {OnboardingVerb.of_move(action).value for action in TRANSITIONS} == {
        "application.confirmed", "application.approved", "application.rejected", "application.info_requested",
        "application.info_provided"}
