"""The standard survey wording, in the survey's language (the catalogues under surveys/locale hold the
translations). Survey authors may override the NPS question; their text is shown as they typed it."""

from django.utils import translation
from django.utils.translation import gettext as _


def texts_for(survey, partner_name: str, vendor_name: str) -> dict:
    """The survey's wording with names filled in; a custom NPS question overrides the standard one."""
    names = {"partner": partner_name, "vendor": vendor_name}
    with translation.override(survey.language):
        subject = _("%(partner)s and %(vendor)s: how did we do?") % names
        texts = {
            "nps": _("How likely are you to recommend %(partner)s to a friend or colleague?") % names,
            "effort": _("%(partner)s made it easy for me to get what I needed.") % names,
            "effort_low": _("Strongly disagree"), "effort_high": _("Strongly agree"),
            "low": _("Not at all likely"), "high": _("Extremely likely"),
            "comment": _("What is the main reason for your score?"),
            "submit": _("Send my answer"),
            "subject": subject,
            "reminder_subject": _("Reminder: %(subject)s") % {"subject": subject},
            "intro": _("You recently worked with %(partner)s, a partner of %(vendor)s. One click tells us how it went:") % names,
            "unsubscribe": _("Do not send me surveys from %(vendor)s again") % names,
        }
    if survey.nps_question:
        # Plain replacement, not str.format or %: an author's braces or percent signs must not break the page.
        texts["nps"] = survey.nps_question.replace("{partner}", partner_name).replace("{vendor}", vendor_name)
    return texts


def relationship_texts(vendor_name: str) -> dict:
    """The partner-satisfaction questions, in the active language: partner users rate the vendor."""
    names = {"vendor": vendor_name}
    return {
        "nps": _("How likely are you to recommend %(vendor)s as a vendor to another partner?") % names,
        "low": _("Not at all likely"), "high": _("Extremely likely"),
        "effort": _("%(vendor)s makes it easy for us to do business with them.") % names,
        "effort_low": _("Strongly disagree"), "effort_high": _("Strongly agree"),
        "comment": _("What should we start, stop or keep doing?"),
        "submit": _("Send my anonymous answer"),
    }
