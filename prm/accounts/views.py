import copy

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View

from prm.i18n.languages import language_for_request

from .forms import ProfileForm
from .services import user_profile_update


class ProfileView(LoginRequiredMixin, View):
    """The signed-in person's name and language; only ever their own."""

    def get(self, request, form=None, status=200):
        form = form or ProfileForm(instance=request.user)
        return render(request, "account/profile.html", {"form": form}, status=status)

    def post(self, request):
        form = ProfileForm(request.POST, instance=copy.copy(request.user))
        if not form.is_valid():
            return self.get(request, form=form, status=400)
        user_profile_update(user=request.user, **form.cleaned_data)
        translation.activate(language_for_request(request))  # the confirmation is in the language just chosen
        messages.success(request, _("Your name and language are saved."))
        return redirect("account_profile")
