"""The partner page's section and the API list cost a fixed number of queries, however many steps and partners."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from partners.checklist import services
from partners.checklist.overview import checklist_section
from partners.checklist.selectors import checklist_states
from partners.models import Partner

from ...factories import PartnerFactory
from .helpers import add_step


def _queries(fn):
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def test_the_section_and_the_states_do_not_grow_with_steps_or_partners(world, onboarding, in_tenant):
    with in_tenant(world.acme):
        add_step(world, "manual", title="One")
        few_section = _queries(lambda: checklist_section(onboarding))
        few_states = _queries(lambda: checklist_states(Partner.objects.all()))
        for n in range(8):
            step = add_step(world, "manual", title=f"Step {n}")
            services.manual_step_tick(partner=onboarding, step=step, actor=world.acme_manager.user, done=True)
        for n in range(10):
            PartnerFactory(tenant=world.acme, name=f"More {n}")
        assert _queries(lambda: checklist_section(onboarding)) == few_section == 3
        assert _queries(lambda: checklist_states(Partner.objects.all())) == few_states
        section = checklist_section(onboarding)
        assert (section.order, section.context["checklist"].done, section.context["checklist"].total) == (40, 8, 9)
    with in_tenant(world.globex):
        assert checklist_section(world.initech) is None  # no checklist: no section
