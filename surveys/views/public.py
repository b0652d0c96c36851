"""Pages for end users, who have no account: the signed token in the link is the key."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from .. import services
from ..models import InvitationStatus, SurveyInvitation
from ..texts import texts_for
from ..tokens import BadToken, read_answer_token, read_unsubscribe_token


class AnswerForm(forms.Form):
    score = forms.TypedChoiceField(choices=[(i, str(i)) for i in range(11)], coerce=int, widget=forms.RadioSelect)
    effort = forms.TypedChoiceField(choices=[(i, str(i)) for i in range(1, 8)], coerce=int, required=False,
                                    empty_value=None, widget=forms.RadioSelect)
    comment = forms.CharField(required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


def _invalid(request, status=404):
    return render(request, "surveys/public/invalid.html", status=status)


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
        self.texts = texts_for(self.invitation.survey, self.invitation.partner.name, request.tenant.name)
        if self.invitation.status == InvitationStatus.ANSWERED:
            return render(request, "surveys/public/already.html", {"texts": self.texts}, status=409)
        return super().dispatch(request, token)

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
            return render(request, "surveys/public/already.html", {"texts": self.texts}, status=409)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field, errors)
            return self.render_form(form, status=400)
        return redirect("survey_thanks")

    def render_form(self, form, status=200):
        context = {"form": form, "texts": self.texts, "invitation": self.invitation, "survey": self.invitation.survey}
        return render(self.request, "surveys/public/answer.html", context, status=status)


def thanks(request):
    if request.tenant is None:
        raise Http404
    return render(request, "surveys/public/thanks.html")


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
        return super().dispatch(request, token)

    def get(self, request, token):
        return render(request, "surveys/public/unsubscribe.html", {"email": self.email, "done": False})

    def post(self, request, token):
        services.unsubscribe(tenant=request.tenant, email=self.email)
        return render(request, "surveys/public/unsubscribe.html", {"email": self.email, "done": True})
