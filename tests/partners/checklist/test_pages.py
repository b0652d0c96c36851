"""The checklist's pages: the tenant's steps, the settings, a partner's checklist on the dashboard and in the portal."""

from partners.checklist import services
from partners.checklist.models import Activation, ChecklistSettings, ChecklistStep
from partners.models import Partner, PartnerStatus

from .helpers import FULL_PROFILE, add_step, fresh

STEPS = "/manage/checklist/"


def test_a_manager_adds_edits_moves_and_removes_steps(world, client_as, in_tenant):
    client = client_as(world.acme_manager)
    assert client.post(STEPS, {"kind": "profile"}).status_code == 302
    assert client.post(STEPS, {"kind": "colleagues", "threshold": "2"}).status_code == 302
    page = client.get(STEPS).content.decode()
    assert page.index("Complete your company profile") < page.index("Invite at least 2 colleagues")
    with in_tenant(world.acme):
        profile, colleagues = ChecklistStep.objects.order_by("position")
    assert client.post(f"{STEPS}steps/{colleagues.pk}/move/", {"direction": "up"}).status_code == 302
    page = client.get(STEPS).content.decode()
    assert page.index("Invite at least 2 colleagues") < page.index("Complete your company profile")
    assert client.post(f"{STEPS}steps/{colleagues.pk}/", {"title": "Bring your team", "threshold": "3"}).status_code == 302
    assert "Bring your team" in client.get(STEPS).content.decode()
    assert client.post(f"{STEPS}steps/{profile.pk}/remove/").status_code == 302
    with in_tenant(world.acme):
        assert [s.title for s in ChecklistStep.objects.all()] == ["Bring your team"]
        assert ChecklistStep.objects.get().threshold == 3


def test_bad_input_is_explained_next_to_its_field(world, client_as, in_tenant):
    client = client_as(world.acme_manager)
    response = client.post(STEPS, {"kind": "manual", "title": ""})
    assert response.status_code == 400
    assert 'id="id_title_error"' in response.content.decode()
    response = client.post(STEPS, {"kind": "colleagues"})
    assert response.status_code == 400 and 'id="id_threshold_error"' in response.content.decode()
    with in_tenant(world.acme):
        assert not ChecklistStep.objects.exists()
        step = add_step(world, "manual", title="Kick-off call")
    response = client.post(f"{STEPS}steps/{step.pk}/", {"title": ""})
    assert response.status_code == 400 and 'id="id_title_error"' in response.content.decode()
    with in_tenant(world.acme):
        assert ChecklistStep.objects.get().title == "Kick-off call"


def test_a_tenant_admin_chooses_to_activate_partners_themselves(world, client_as, in_tenant):
    client = client_as(world.acme_admin)
    response = client.post(f"{STEPS}settings/", {"activation": "manager", "stuck_after_days": "0", "remind_every_days": "7"})
    assert response.status_code == 400 and 'id="id_stuck_after_days_error"' in response.content.decode()
    assert client.post(f"{STEPS}settings/", {"activation": "manager", "stuck_after_days": "45",
                                             "remind_every_days": "10"}).status_code == 302
    with in_tenant(world.acme):
        settings = ChecklistSettings.objects.get()
    assert (settings.activation, settings.stuck_after_days, settings.remind_every_days) == ("manager", 45, 10)
    assert client_as(world.acme_manager).post(f"{STEPS}settings/", {"activation": "automatic"}).status_code == 403


def test_the_portal_home_shows_the_checklist_until_it_is_done(world, onboarding, client_as, in_tenant):
    with in_tenant(world.acme):
        add_step(world, "profile")
        add_step(world, "first_deal")
        call = add_step(world, "manual", title="Kick-off call")
    client = client_as(world.northwind_admin)
    home = client.get("/portal/").content.decode()
    assert 'id="checklist"' in home and "0 of 3 steps done" in home
    assert 'href="/portal/profile/"' in home and 'href="/portal/deals/new/"' in home
    page = client.get("/portal/checklist/").content.decode()
    assert "Kick-off call" in page and "your channel manager ticks this step" in page
    with in_tenant(world.acme):
        Partner.objects.filter(pk=onboarding.pk).update(**FULL_PROFILE)
    assert "1 of 3 steps done" in client.get("/portal/").content.decode()  # re-checked as it is shown
    with in_tenant(world.acme):
        services.step_remove(step=ChecklistStep.objects.get(kind="first_deal"), actor=world.acme_admin.user)
        services.manual_step_tick(partner=fresh(onboarding), step=call, actor=world.acme_manager.user, done=True)
    assert fresh(onboarding).status == PartnerStatus.ACTIVE
    home = client.get("/portal/").content.decode()
    assert 'id="checklist"' not in home
    assert "Your onboarding is complete." in client.get("/portal/checklist/").content.decode()


def test_a_manager_ticks_a_manual_step_and_activates_the_waiting_partner(world, onboarding, client_as, in_tenant):
    with in_tenant(world.acme):
        services.checklist_settings_update(tenant=world.acme, actor=world.acme_admin.user, activation=Activation.MANAGER,
                                           stuck_after_days=30, remind_every_days=7)
        call = add_step(world, "manual", title="Kick-off call")
    client = client_as(world.acme_manager)
    url = f"/manage/checklist/partners/{onboarding.pk}/"
    assert "Tick as done" in client.get(url).content.decode()
    assert client.post(f"{url}tick/", {"step": call.pk, "done": "on"}).status_code == 302
    page = client.get(url).content.decode()
    assert "the partner waits for you to activate it" in page and "ticked by" in page
    assert fresh(onboarding).status == PartnerStatus.ONBOARDING
    # The partner page's overview shows the checklist with its progress.
    detail = client.get(f"/manage/partners/{onboarding.pk}/").content.decode()
    assert 'data-section="checklist"' in detail and "1 of 1 step done" in detail
    assert client.post(f"{url}activate/").status_code == 302
    assert fresh(onboarding).status == PartnerStatus.ACTIVE


def test_a_step_of_another_tenant_cannot_be_ticked(world, onboarding, client_as, in_tenant):
    with in_tenant(world.globex):
        foreign = services.step_create(tenant=world.globex, actor=world.globex_admin.user, kind="manual", title="Theirs")
    with in_tenant(world.acme):
        add_step(world, "manual", title="Ours")
    response = client_as(world.acme_manager).post(f"/manage/checklist/partners/{onboarding.pk}/tick/",
                                                  {"step": foreign.pk, "done": "on"})
    assert response.status_code == 404


def test_the_partner_list_links_the_checklist_and_the_stuck_partners(world, client_as):
    page = client_as(world.acme_manager).get("/manage/partners/").content.decode()
    assert 'href="/manage/checklist/stuck/"' in page and 'href="/manage/checklist/"' in page
