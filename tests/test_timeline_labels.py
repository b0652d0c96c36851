"""The timeline's state labels: looked up once per target model, read in the language of each request."""

from django.utils import translation

from prm.audit.templatetags.audit import state_label


def test_a_state_label_follows_the_active_language_after_its_first_lookup():
    with translation.override("en"):
        assert state_label("more_info", "dealreg.deal") == "More info requested"
    with translation.override("de"):
        assert state_label("more_info", "dealreg.deal") == "Weitere Informationen angefordert"
        assert state_label("active", "tenancy.membership") == translation.pgettext("state", "Active")
    assert state_label("some_state", "no.such_model") == "some state"
