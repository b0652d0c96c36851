from django.contrib.auth import get_user_model, login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views import View

from .forms import AcceptExistingUserForm, AcceptNewUserForm
from .services import InvitationUnusable, invitation_accept, invitation_find

LOGIN_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


class AcceptInvitationView(View):
    """Open to anyone holding the link: the token is the key. Used once, then it is gone."""

    template_name = "invitations/accept.html"

    def dispatch(self, request, token):
        if request.tenant is None:
            raise Http404
        self.invitation = invitation_find(token=token)
        if self.invitation is None:
            return render(request, "invitations/unusable.html", status=410)
        self.existing_user = get_user_model().objects.filter(email__iexact=self.invitation.email).first()
        return super().dispatch(request, token)

    def get_form(self, data=None):
        if self.existing_user is not None:
            return AcceptExistingUserForm(
                data, request=self.request, email=self.invitation.email, account=self.existing_user
            )
        return AcceptNewUserForm(data, email=self.invitation.email)

    def get(self, request, token):
        return self.render_form(self.get_form())

    def post(self, request, token):
        form = self.get_form(request.POST)
        if not form.is_valid():
            return self.render_form(form, status=400)
        try:
            if self.existing_user is not None:
                invitation_accept(invitation=self.invitation, user=form.user, second_factor=form.second_factor)
                user = form.user
            else:
                membership = invitation_accept(
                    invitation=self.invitation,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password1"],
                )
                user = membership.user
        except (InvitationUnusable, PermissionDenied):
            return render(request, "invitations/unusable.html", status=410)
        login(request, user, backend=LOGIN_BACKEND)
        return redirect("home")

    def render_form(self, form, status=200):
        context = {"invitation": self.invitation, "form": form, "existing_user": self.existing_user is not None}
        return render(self.request, self.template_name, context, status=status)
