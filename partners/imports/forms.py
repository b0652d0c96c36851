from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_(
        "CSV or Excel (.xlsx): one row per user, or per partner. Columns such as Partner (or Account Name), "
        "Website, Country (or Billing Country), Business type (or Type), Email, First Name, Last Name, Role; a Salesforce Account or "
        "Contact export works as it is."))


class ConfirmForm(forms.Form):
    invite_users = forms.BooleanField(label=_("Invite the users now"), required=False, help_text=_(
        "Each user gets an emailed invitation to the portal. Leave it unticked to import the partners only: "
        "the first user of a new partner becomes its primary contact."))
