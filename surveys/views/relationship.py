"""Partner satisfaction pages: staff start a survey and read the (anonymous) results; partner
users answer through their personal link."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _, gettext_lazy
from django.views import View

from prm.i18n.languages import supported_or_none
from prm.tenancy.actions import add_service_errors
from prm.tenancy.views import DashboardViewMixin

from .. import relationship
from ..models import RelationshipSurvey
from ..texts import relationship_texts
from .public import AnswerForm, in_language, redirect_to_thanks


class StartForm(forms.Form):
    name = forms.CharField(max_length=120, initial=gettext_lazy("Partner satisfaction"), label=gettext_lazy("Name"))
    closes_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label=gettext_lazy("Closes on"))


class RelationshipSurveysView(DashboardViewMixin, View):
    def get(self, request, form=None, status=200):
        context = {"surveys": RelationshipSurvey.objects.all(), "form": form or StartForm(),
                   "min_group": relationship.MIN_GROUP}
        return render(request, "surveys/dashboard/relationship_list.html", context, status=status)

    def post(self, request):
        form = StartForm(request.POST)
        if form.is_valid():
            try:
                survey = relationship.relationship_survey_start(tenant=self.tenant, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("“%(name)s” was sent to every active partner user.") % {"name": survey.name})
                return redirect("surveys:relationship_results", pk=survey.pk)
        return self.get(request, form=form, status=400)


class RelationshipResultsView(DashboardViewMixin, View):
    model = RelationshipSurvey

    def get(self, request, pk):
        survey = self.get_object()
        context = {"survey": survey, "results": relationship.relationship_results(survey), "min_group": relationship.MIN_GROUP}
        return render(request, "surveys/dashboard/relationship_results.html", context)


class RelationshipAnswerView(View):
    """The personal link is the key; answering needs no sign-in and stores nothing about who.
    The page is in the invited person's language (else the one the request would get)."""

    def dispatch(self, request, token):
        if request.tenant is None:
            raise Http404
        self.invitation = relationship.invitation_for(token)
        if self.invitation is None:
            return render(request, "surveys/public/invalid.html", status=404)
        self.language = supported_or_none(self.invitation.user.language) or translation.get_language()
        return in_language(self.language, lambda: super(RelationshipAnswerView, self).dispatch(request, token))

    def get(self, request, token):
        return self.render_form(AnswerForm())

    def post(self, request, token):
        form = AnswerForm(request.POST)
        if not form.is_valid():
            return self.render_form(form, status=400)
        try:
            relationship.relationship_answer(token=token, **form.cleaned_data)
        except relationship.Unusable:
            return render(request, "surveys/public/invalid.html", status=404)
        return redirect_to_thanks(self.language)

    def render_form(self, form, status=200):
        survey = {"ask_effort": True}
        return render(self.request, "surveys/public/answer.html",
                      {"form": form, "texts": relationship_texts(self.request.tenant.name), "survey": survey,
                       "anonymous": True}, status=status)
