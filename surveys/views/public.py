"""Pages for end users, who have no account: the signed token in the link is the key.

They are in the survey's language, whatever the visitor's browser prefers; a page that knows no
survey (a broken link) is in the language the request would get anyway."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from prm.i18n.languages import supported_or_none

from .. import selectors, services
from ..models import InvitationStatus, SurveyInvitation
from ..texts import texts_for
from ..tokens import BadToken, read_answer_token, read_unsubscribe_token

# The thanks page has no token: the answer page hands it the language for the next request.
THANKS_LANGUAGE_COOKIE = "prm_survey_language"


class AnswerForm(forms.Form):
    score = forms.TypedChoiceField(choices=[(i, str(i)) for i in range(11)], coerce=int, widget=forms.RadioSelect)
    effort = forms.TypedChoiceField(choices=[(i, str(i)) for i in range(1, 8)], coerce=int, required=False,
                                    empty_value=None, widget=forms.RadioSelect)
    comment = forms.CharField(required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


def _invalid(request, status=404):
    return render(request, "surveys/public/invalid.html", status=status)


def in_language(language, respond):
    """The response of `respond()`, made with `language` active and saying so in Content-Language."""
    with translation.override(language):
        response = respond()
    response.headers["Content-Language"] = language
    return response


def redirect_to_thanks(language):
    response = redirect("survey_thanks")
    response.set_cookie(THANKS_LANGUAGE_COOKIE, language, max_age=3600, path=response.url, httponly=True, samesite="Lax",
                        secure=settings.SESSION_COOKIE_SECURE)
    return response


class AnswerView(View):
    """GET shows the question (a score from the email link is preselected) and records nothing:
    mail scanners fetch links. Only a POST records the answer, once."""

    def dispatch(self, request, token):
        if request.tenant is None:
            raise Http404
        try:
            invitation_id = read_answer_token(token, request.tenant)
        except BadToken:
            return _invalid(request)
        self.invitation = SurveyInvitation.objects.select_related("survey", "partner", "tenant").filter(pk=invitation_id).first()
        if self.invitation is None:
            return _invalid(request)
        self.language = self.invitation.survey.language
        self.texts = texts_for(self.invitation.survey, self.invitation.partner.name, request.tenant.name)
        if self.invitation.status == InvitationStatus.ANSWERED:
            return in_language(self.language, lambda: render(request, "surveys/public/already.html", status=409))
        return in_language(self.language, lambda: super(AnswerView, self).dispatch(request, token))

    def get(self, request, token):
        score = request.GET.get("score")
        initial = {"score": int(score)} if score is not None and score.isdigit() and int(score) <= 10 else {}
        return self.render_form(AnswerForm(initial=initial))

    def post(self, request, token):
        form = AnswerForm(request.POST)
        if not form.is_valid():
            return self.render_form(form, status=400)
        try:
            services.answer_record(invitation=self.invitation, score=form.cleaned_data["score"],
                                   effort=form.cleaned_data["effort"] if self.invitation.survey.ask_effort else None,
                                   comment=form.cleaned_data["comment"])
        except services.AlreadyAnswered:
            return render(request, "surveys/public/already.html", status=409)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field, errors)
            return self.render_form(form, status=400)
        return redirect_to_thanks(self.language)

    def render_form(self, form, status=200):
        context = {"form": form, "texts": self.texts, "invitation": self.invitation, "survey": self.invitation.survey}
        return render(self.request, "surveys/public/answer.html", context, status=status)


def thanks(request):
    if request.tenant is None:
        raise Http404
    language = supported_or_none(request.COOKIES.get(THANKS_LANGUAGE_COOKIE)) or translation.get_language()
    return in_language(language, lambda: render(request, "surveys/public/thanks.html"))


@method_decorator(csrf_exempt, name="dispatch")  # RFC 8058: mail clients POST without a CSRF token
class UnsubscribeView(View):
    """GET asks for confirmation (scanners must not unsubscribe people); POST unsubscribes, including
    the one-click POST that mail clients send with `List-Unsubscribe=One-Click`."""

    def dispatch(self, request, token):
        if request.tenant is None:
            raise Http404
        try:
            self.email = read_unsubscribe_token(token, request.tenant)
        except BadToken:
            return _invalid(request)
        # The link names an address, not a survey: the language of the last survey sent to it.
        language = selectors.survey_language_for(self.email) or translation.get_language()
        return in_language(language, lambda: super(UnsubscribeView, self).dispatch(request, token))

    def get(self, request, token):
        return render(request, "surveys/public/unsubscribe.html", {"email": self.email, "done": False})

    def post(self, request, token):
        services.unsubscribe(tenant=request.tenant, email=self.email)
        return render(request, "surveys/public/unsubscribe.html", {"email": self.email, "done": True})
