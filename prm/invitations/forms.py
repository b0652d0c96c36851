from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django import forms
from django.contrib.auth import authenticate, password_validation
from django.utils.translation import gettext_lazy as _

from prm.accounts import attempts
from prm.tenancy.models import PARTNER_ROLES, Role

from .rules import INVITABLE_ROLES


class InviteForm(forms.Form):
    """Invite one person. Role choices are those the inviting member may grant."""

    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"))
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=None, required=False, empty_label=_("— Choose a partner —"))

    def __init__(self, *args, membership, partners=None, fixed_partner=None, staff_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = INVITABLE_ROLES[membership.role]
        if staff_only or fixed_partner is not None:
            allowed = {r for r in allowed if (r in PARTNER_ROLES) == (fixed_partner is not None)}
        # Least privilege first, so the default choice is the safest one.
        ordered = [Role.PARTNER_USER, Role.PARTNER_ADMIN, Role.CHANNEL_MANAGER, Role.TENANT_ADMIN]
        self.fields["role"].choices = [(r.value, r.label) for r in ordered if r in allowed]
        self.fixed_partner = fixed_partner
        if fixed_partner is not None or partners is None:
            del self.fields["partner"]
        else:
            self.fields["partner"].queryset = partners

    def clean(self):
        data = super().clean()
        if self.fixed_partner is not None:
            data["partner"] = self.fixed_partner
        if data.get("role") in PARTNER_ROLES and not data.get("partner"):
            self.add_error("partner", _("Choose the partner this person will work for."))
        return data


class AcceptNewUserForm(forms.Form):
    full_name = forms.CharField(label=_("Your full name"), max_length=150)
    password1 = forms.CharField(label=_("Choose a password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Repeat the password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_password1(self):
        password = self.cleaned_data["password1"]
        from django.contrib.auth import get_user_model

        password_validation.validate_password(password, get_user_model()(email=self.email))
        return password

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ; type the same password twice."))
        return data


class AcceptExistingUserForm(forms.Form):
    """The invitee already has an account: they prove it the way they would sign in, second factor included."""

    password = forms.CharField(
        label=_("Your PRM password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    code = forms.CharField(
        label=_("Two-factor code"),
        help_text=_("The code your authenticator app shows now, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    max_failures = 5

    def __init__(self, *args, request, email, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.request, self.email, self.user = request, email, None
        self.second_factor = None  # allauth's validated code form, saved once the invitation is accepted
        if not is_mfa_enabled(account, [Authenticator.Type.TOTP]):
            del self.fields["code"]

    def clean_password(self):
        password = self.cleaned_data["password"]
        # An invitation to someone else's address must not become a way to guess their password.
        keys = [f"invite:{self.email.lower()}", f"invite-ip:{get_account_adapter().get_client_ip(self.request)}"]
        if any(attempts.failures(key) >= self.max_failures for key in keys):
            raise forms.ValidationError(
                _("Too many wrong passwords. Wait 15 minutes, or reset your password from the sign-in page.")
            )
        # Not the sign-in form: the person is not a member here yet, so tenant sign-in rules do not apply.
        self.user = authenticate(self.request, email=self.email, password=password)
        if self.user is None:
            for key in keys:
                attempts.record_failure(key)
            raise forms.ValidationError(_("That password does not match the account for this address."))
        return password

    def clean(self):
        data = super().clean()
        if self.user is not None and "code" in self.fields and "code" not in self._errors:
            # allauth's own check: TOTP or recovery code, each used once, failures rate limited per account.
            second_factor = AuthenticateForm({"code": data.get("code", "")}, user=self.user)
            if second_factor.is_valid():
                self.second_factor = second_factor
            else:
                self.add_error("code", second_factor.errors["code"])
        return data
