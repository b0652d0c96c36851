from django import forms
from django.contrib.auth import authenticate, password_validation

from prm.tenancy.models import PARTNER_ROLES, Role

from prm.accounts import attempts

from .rules import INVITABLE_ROLES


class InviteForm(forms.Form):
    """Invite one person. Role choices are those the inviting member may grant."""

    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(label="Role")
    partner = forms.ModelChoiceField(queryset=None, required=False, empty_label="— Choose a partner —")

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
            self.add_error("partner", "Choose the partner this person will work for.")
        return data


class AcceptNewUserForm(forms.Form):
    full_name = forms.CharField(label="Your full name", max_length=150)
    password1 = forms.CharField(label="Choose a password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label="Repeat the password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

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
            self.add_error("password2", "The two passwords differ; type the same password twice.")
        return data


class AcceptExistingUserForm(forms.Form):
    password = forms.CharField(label="Your PRM password", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, *args, request, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.request, self.email, self.user = request, email, None

    max_failures = 5

    def clean_password(self):
        password = self.cleaned_data["password"]
        # An invitation to someone else's address must not become a way to guess their password.
        keys = [f"invite:{self.email.lower()}", f"invite-ip:{self.request.META.get('REMOTE_ADDR', '')}"]
        if any(attempts.failures(key) >= self.max_failures for key in keys):
            raise forms.ValidationError(
                "Too many wrong passwords. Wait 15 minutes, or reset your password from the sign-in page."
            )
        # Not the sign-in form: the person is not a member here yet, so tenant sign-in rules do not apply.
        self.user = authenticate(self.request, email=self.email, password=password)
        if self.user is None:
            for key in keys:
                attempts.record_failure(key)
            raise forms.ValidationError("That password does not match the account for this address.")
        return password
