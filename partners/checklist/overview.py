"""The checklist's section on the dashboard's partner page (registered from ChecklistConfig.ready())."""

from django.utils.translation import gettext as _

from partners.overview import Section

from .selectors import checklist_state


def checklist_section(partner) -> Section | None:
    """The partner's steps with its progress (three queries); nothing when the tenant has no checklist."""
    state = checklist_state(partner)
    if not state.total:
        return None
    return Section(key="checklist", title=_("Onboarding checklist"), template="partners/checklist/overview_section.html",
                   context={"checklist": state}, order=40)
