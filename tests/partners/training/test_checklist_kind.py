"""The onboarding checklist's certification step: ticked once the partner holds N active certifications,
re-checked when a certification is approved."""

from datetime import date

from django.utils import timezone

from partners.checklist import services as checklist
from partners.checklist.kinds import kind_of
from partners.checklist.selectors import checklist_state
from partners.models import Partner, PartnerStatus
from partners.training import services

from .conftest import completion

PDF = b"%PDF-1.4\n%%EOF\n"


def test_the_step_is_registered_with_its_number_and_portal_page():
    kind = kind_of("certification")
    assert kind.uses_threshold and kind.url_name == "training:portal" and str(kind.label) == "Complete a certification"
    assert kind.describe(2) == "Complete at least 2 certifications"


def test_the_step_is_done_when_an_approved_certification_brings_the_partner_to_n(world, in_tenant, courses,
                                                                               django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    Partner.unscoped.filter(pk=world.northwind.pk).update(status=PartnerStatus.ONBOARDING)
    northwind = Partner.unscoped.get(pk=world.northwind.pk)
    today = timezone.localdate()
    with in_tenant(world.acme):
        step = checklist.step_create(tenant=world.acme, actor=world.acme_admin.user, kind="certification", threshold=2)
        checklist.step_create(tenant=world.acme, actor=world.acme_admin.user, kind="manual", title="Kick-off")
        completion(world.northwind_admin, courses["cloud"], date(2025, 1, 1))
        completion(world.northwind_rep, courses["firewall"], date(2020, 1, 1), date(2022, 1, 1))  # expired: no help
        checklist.checklist_refresh(partner=northwind)
        assert not checklist_state(northwind).items[0].done
        claim = services.completion_claim(membership=world.northwind_rep, course=courses["sales"], completed_on=today,
                                          certificate=SimpleUploadedFile("c.pdf", PDF))
        assert not checklist_state(northwind).items[0].done  # a pending claim does not count
        with django_capture_on_commit_callbacks(execute=True):
            services.completion_approve(completion=claim, actor=world.acme_manager.user)
        state = checklist_state(northwind)
    assert state.items[0].step == step and state.items[0].done and not state.items[1].done
