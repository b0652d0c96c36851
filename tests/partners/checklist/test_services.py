"""The tenant's steps (order, edits, refusals), manual ticks, and finishing: active at once or waiting for a manager."""

import pytest
from django.core.exceptions import ValidationError

from partners.checklist import services
from partners.checklist.models import Activation, PartnerChecklist, StepCompletion
from partners.checklist.selectors import checklist_state, checklist_steps
from partners.models import Partner, PartnerStatus
from prm.audit.models import AuditEvent

from .helpers import FULL_PROFILE, add_step, fresh


def _labels():
    return [step.label for step in checklist_steps()]


def test_steps_keep_their_order_and_move_up_and_down(world, in_tenant):
    with in_tenant(world.acme):
        first = add_step(world, "profile")
        second = add_step(world, "colleagues", threshold=3)
        third = add_step(world, "manual", title="Kick-off call")
        assert _labels() == ["Complete your company profile", "Invite at least 3 colleagues", "Kick-off call"]
        services.step_move(step=third, actor=world.acme_admin.user, direction="up")
        assert _labels() == ["Complete your company profile", "Kick-off call", "Invite at least 3 colleagues"]
        services.step_move(step=first, actor=world.acme_admin.user, direction="down")
        assert _labels() == ["Kick-off call", "Complete your company profile", "Invite at least 3 colleagues"]
        with pytest.raises(ValidationError, match="already first"):
            services.step_move(step=fresh_step(third), actor=world.acme_admin.user, direction="up")
        with pytest.raises(ValidationError, match="already last"):
            services.step_move(step=fresh_step(second), actor=world.acme_admin.user, direction="down")
        assert AuditEvent.objects.filter(verb="checklist_step.moved").count() == 2
    with in_tenant(world.globex):
        assert not checklist_steps().exists()


def fresh_step(step):
    return type(step).objects.get(pk=step.pk)


def test_a_step_is_edited_and_removed_with_its_completions(world, onboarding, in_tenant):
    with in_tenant(world.acme):
        step = add_step(world, "manual", title="Kick-off call")
        add_step(world, "manual", title="Training")
        services.manual_step_tick(partner=onboarding, step=step, actor=world.acme_manager.user, done=True)
        services.step_update(step=step, actor=world.acme_admin.user, title="Kick-off video call")
        assert _labels() == ["Kick-off video call", "Training"]
        step_id = step.pk
        services.step_remove(step=step, actor=world.acme_admin.user)
        assert _labels() == ["Training"]
        assert not StepCompletion.objects.exists()
        assert AuditEvent.objects.filter(verb="checklist_step.removed", target_id=str(step_id)).exists()


@pytest.mark.parametrize(("kind", "title", "threshold", "field"), [
    ("manual", "", None, "title"),  # a manual step needs a name
    ("colleagues", "", None, "threshold"),  # how many colleagues
    ("spaceflight", "", None, "kind"),  # no such kind
])
def test_a_bad_step_is_refused_on_its_field(world, in_tenant, kind, title, threshold, field):
    with in_tenant(world.acme), pytest.raises(ValidationError) as refused:
        add_step(world, kind, title=title, threshold=threshold)
    assert field in refused.value.message_dict


def test_an_automatic_kind_is_on_the_checklist_once(world, in_tenant):
    with in_tenant(world.acme):
        add_step(world, "profile")
        with pytest.raises(ValidationError) as refused:
            add_step(world, "profile")
        assert "kind" in refused.value.message_dict
        add_step(world, "manual", title="One")
        add_step(world, "manual", title="Two")  # manual steps may be many
        assert len(_labels()) == 3


def test_a_manual_tick_keeps_who_and_when_and_can_be_undone(world, onboarding, in_tenant):
    with in_tenant(world.acme):
        call = add_step(world, "manual", title="Kick-off call")
        add_step(world, "manual", title="Training")
        state = services.manual_step_tick(partner=onboarding, step=call, actor=world.acme_manager.user, done=True)
        item = state.items[0]
        assert item.done and item.completion.completed_by == world.acme_manager.user
        assert item.completion.completed_at is not None
        with pytest.raises(ValidationError, match="already ticked"):
            services.manual_step_tick(partner=onboarding, step=call, actor=world.acme_manager.user, done=True)
        state = services.manual_step_tick(partner=onboarding, step=call, actor=world.acme_manager.user, done=False)
        assert [i.done for i in state.items] == [False, False]
        verbs = list(AuditEvent.objects.filter(target_id=str(onboarding.pk), target_type="partners.partner")
                     .order_by("id").values_list("verb", flat=True))
        assert verbs == ["checklist.step_ticked", "checklist.step_unticked"]


def test_an_automatic_step_cannot_be_ticked(world, onboarding, in_tenant):
    with in_tenant(world.acme):
        profile = add_step(world, "profile")
        with pytest.raises(ValidationError) as refused:
            services.manual_step_tick(partner=onboarding, step=profile, actor=world.acme_manager.user, done=True)
        assert "step" in refused.value.message_dict
        assert not StepCompletion.objects.exists()


def test_an_active_partner_has_no_checklist_to_tick(world, in_tenant):
    with in_tenant(world.acme):
        step = add_step(world, "manual", title="Kick-off call")
        with pytest.raises(ValidationError, match="not onboarding"):
            services.manual_step_tick(partner=world.northwind, step=step, actor=world.acme_manager.user, done=True)
        assert services.checklist_refresh(partner=world.northwind).done == 0


def test_finishing_the_checklist_makes_the_partner_active_at_once(world, onboarding, in_tenant):
    with in_tenant(world.acme):
        add_step(world, "profile")
        call = add_step(world, "manual", title="Kick-off call")
        Partner.objects.filter(pk=onboarding.pk).update(**FULL_PROFILE)
        onboarding.refresh_from_db()
        assert services.checklist_refresh(partner=onboarding).done == 1
        profile_done_at = StepCompletion.objects.get(step__kind="profile").completed_at
        state = services.manual_step_tick(partner=onboarding, step=call, actor=world.acme_manager.user, done=True)
        assert state.finished_at is not None and not state.waits_for_manager
        assert fresh(onboarding).status == PartnerStatus.ACTIVE
        assert PartnerChecklist.objects.get(partner=onboarding).activated_at is not None
        activated = AuditEvent.objects.get(verb="checklist.activated", target_id=str(onboarding.pk))
        assert (activated.from_state, activated.to_state, activated.actor) == ("onboarding", "active", world.acme_manager.user)
        # The profile step's time is the time it was first met, not the finish.
        assert StepCompletion.objects.get(step__kind="profile").completed_at == profile_done_at
        with pytest.raises(ValidationError):
            services.manual_step_tick(partner=fresh(onboarding), step=call, actor=world.acme_manager.user, done=False)


def test_a_tenant_that_waits_for_a_manager_gets_a_partner_ready_for_activation(world, onboarding, in_tenant):
    with in_tenant(world.acme):
        services.checklist_settings_update(tenant=world.acme, actor=world.acme_admin.user, activation=Activation.MANAGER,
                                           stuck_after_days=30, remind_every_days=7)
        call = add_step(world, "manual", title="Kick-off call")
        with pytest.raises(ValidationError, match="finished"):
            services.checklist_activate(partner=onboarding, actor=world.acme_manager.user)
        state = services.manual_step_tick(partner=onboarding, step=call, actor=world.acme_manager.user, done=True)
        assert state.waits_for_manager
        assert fresh(onboarding).status == PartnerStatus.ONBOARDING
        assert AuditEvent.objects.filter(verb="checklist.finished", target_id=str(onboarding.pk)).count() == 1
        # Shown again, the finished checklist does not finish twice.
        services.checklist_refresh(partner=fresh(onboarding))
        assert AuditEvent.objects.filter(verb="checklist.finished", target_id=str(onboarding.pk)).count() == 1
        state = services.checklist_activate(partner=fresh(onboarding), actor=world.acme_manager.user)
        assert fresh(onboarding).status == PartnerStatus.ACTIVE and not state.waits_for_manager
        with pytest.raises(ValidationError):
            services.checklist_activate(partner=fresh(onboarding), actor=world.acme_manager.user)


def test_a_tenant_without_steps_never_finishes_a_checklist(world, onboarding, in_tenant):
    with in_tenant(world.acme):
        state = services.checklist_refresh(partner=onboarding)
        assert state.total == 0 and state.finished_at is None and not state.shown_to_partner
        assert fresh(onboarding).status == PartnerStatus.ONBOARDING


def test_the_settings_refuse_a_zero_day_threshold(world, in_tenant):
    with in_tenant(world.acme), pytest.raises(ValidationError) as refused:
        services.checklist_settings_update(tenant=world.acme, actor=world.acme_admin.user, activation=Activation.AUTOMATIC,
                                           stuck_after_days=0, remind_every_days=7)
    assert "stuck_after_days" in refused.value.message_dict
    with in_tenant(world.acme):
        assert checklist_state(world.northwind).total == 0
