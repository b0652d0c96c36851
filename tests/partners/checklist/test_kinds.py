"""Each kind of step checked against real rows: the profile, the team, the agreement, the first deal."""

from datetime import date, timedelta
from decimal import Decimal

from dealreg.services import deal_create, deal_submit
from partners.checklist.builtin_kinds import PROFILE_FIELDS
from partners.checklist.kinds import kind_choices, kind_of
from partners.checklist.selectors import checklist_state
from partners.checklist.services import checklist_refresh
from partners.models import Partner
from prm.invitations.services import invitation_accept, invitation_create
from prm.tenancy.models import Role

from .helpers import FULL_PROFILE, add_step


def _done(partner):
    return [item.done for item in checklist_state(partner).items]


def test_the_kinds_of_partners_and_of_deal_registration_are_registered():
    assert {"agreement", "profile", "colleagues", "first_deal", "manual"} <= {key for key, _label in kind_choices()}
    assert kind_of("first_deal").url_name == "dealreg:portal_create"
    assert kind_of("manual").is_manual and not kind_of("profile").is_manual


def test_the_profile_step_waits_for_every_profile_field(world, onboarding, in_tenant):
    with in_tenant(world.acme):
        add_step(world, "profile")
        add_step(world, "manual", title="Kick-off call")  # keeps the checklist open
        Partner.objects.filter(pk=onboarding.pk).update(**{**FULL_PROFILE, "description": ""})
        onboarding.refresh_from_db()
        checklist_refresh(partner=onboarding)
        assert _done(onboarding) == [False, False]
        Partner.objects.filter(pk=onboarding.pk).update(**FULL_PROFILE)
        onboarding.refresh_from_db()
        checklist_refresh(partner=onboarding)
        assert _done(onboarding) == [True, False]
    assert set(FULL_PROFILE) == set(PROFILE_FIELDS)


def test_the_team_step_counts_active_colleagues_beside_the_first_member(world, onboarding, in_tenant,
                                                                        django_capture_on_commit_callbacks):
    with in_tenant(world.acme):
        add_step(world, "colleagues", threshold=2)
        add_step(world, "manual", title="Kick-off call")
        checklist_refresh(partner=onboarding)
        assert _done(onboarding) == [False, False]  # admin and rep: one colleague beside the admin
        invitation, _token = invitation_create(tenant=world.acme, actor_membership=world.northwind_admin,
                                               email="third@northwind.example", role=Role.PARTNER_USER, partner=onboarding)
        with django_capture_on_commit_callbacks(execute=True):
            invitation_accept(invitation=invitation, full_name="Third Person", password="a long pass phrase 42")
        assert _done(onboarding) == [True, False]  # the accepted invitation's signal re-checked it


def test_a_deactivated_colleague_does_not_count(world, onboarding, in_tenant):
    with in_tenant(world.acme):
        add_step(world, "colleagues", threshold=1)
        add_step(world, "manual", title="Kick-off call")
        world.northwind_rep.is_active = False
        world.northwind_rep.save(update_fields=["is_active"])
        checklist_refresh(partner=onboarding)
        assert _done(onboarding) == [False, False]


def test_the_first_deal_step_waits_for_a_submitted_deal(world, onboarding, in_tenant, django_capture_on_commit_callbacks):
    with in_tenant(world.acme):
        add_step(world, "first_deal")
        add_step(world, "manual", title="Kick-off call")
        deal = deal_create(partner=onboarding, actor=world.northwind_rep.user, customer_name="Fabrikam",
                           customer_website="fabrikam.example", contact_name="Pat Doe", contact_email="pat@fabrikam.example",
                           value=Decimal("25000"), currency="USD", expected_close_date=date.today() + timedelta(days=60))
        checklist_refresh(partner=onboarding)
        assert _done(onboarding) == [False, False]  # a draft is not a registration
        with django_capture_on_commit_callbacks(execute=True):
            deal_submit(deal=deal, actor=world.northwind_rep.user)
        assert _done(onboarding) == [True, False]  # deal registration's signal re-checked it


def test_a_manual_step_is_never_done_by_a_refresh(world, onboarding, in_tenant):
    with in_tenant(world.acme):
        add_step(world, "manual", title="Kick-off call")
        checklist_refresh(partner=onboarding)
        assert _done(onboarding) == [False]


def test_the_agreement_step_waits_for_the_signature_of_the_current_version(world, onboarding, in_tenant):
    from django.utils import timezone

    from partners.agreements.models import AgreementTemplate, AgreementVersion, Signature
    from partners.agreements.signals import agreement_signed

    with in_tenant(world.acme):
        add_step(world, "agreement")
        add_step(world, "manual", title="Kick-off call")
        template = AgreementTemplate.objects.create(tenant=world.acme, title="Partner agreement")
        version = AgreementVersion.objects.create(tenant=world.acme, template=template, number=1, body="Terms.",
                                                  status="published", published_at=timezone.now())
        checklist_refresh(partner=onboarding)
        assert _done(onboarding) == [False, False]
        signature = Signature.objects.create(tenant=world.acme, partner=onboarding, version=version, text="<p>Terms.</p>",
                                             text_sha256="0" * 64, signer=world.northwind_admin.user,
                                             typed_name="Nora West", signed_at=timezone.now())
        agreement_signed.send(sender=Signature, signature=signature, partner=onboarding)
        assert _done(onboarding) == [True, False]  # the agreements' signal re-checked it


def test_a_signal_sent_after_the_tenant_context_ended_still_rechecks(world, onboarding, in_tenant,
                                                                       django_capture_on_commit_callbacks):
    """A deal submitted in a tenant_context whose commit comes after it (the demo, a task) re-checks in the
    partner's own tenant rather than raising TenantNotSet."""
    with django_capture_on_commit_callbacks() as callbacks:
        with in_tenant(world.acme):
            add_step(world, "first_deal")
            deal = deal_create(partner=onboarding, actor=world.northwind_rep.user, customer_name="Fabrikam",
                               customer_website="fabrikam.example", contact_name="Pat Doe",
                               contact_email="pat@fabrikam.example", value=Decimal("25000"), currency="USD",
                               expected_close_date=date.today() + timedelta(days=60))
            deal_submit(deal=deal, actor=world.northwind_rep.user)
    for callback in callbacks:  # run outside any tenant, as a commit after the context would
        callback()
    with in_tenant(world.acme):
        assert _done(onboarding) == [True]
