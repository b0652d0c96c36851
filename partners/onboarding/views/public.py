"""The public pages of applying: no account, on the tenant's host. The emailed link is the key."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views import View

from partners.names import normalize_domain
from prm.tenancy.actions import add_service_errors

from .. import services
from ..forms import AnswerForm, ApplyForm
from ..limits import consume_apply
from ..models import Application, ApplicationStatus
from ..selectors import active_questions
from ..tokens import read_application_token


class ApplyView(View):
    template_name = "partners/onboarding/public/apply.html"

    def dispatch(self, request, *args, **kwargs):
        if request.tenant is None:
            raise Http404
        self.questions = list(active_questions())
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.render(ApplyForm(questions=self.questions))

    def post(self, request):
        form = ApplyForm(request.POST, questions=self.questions)
        if form.is_bot:
            return redirect("onboarding:apply_thanks")
        if not form.is_valid():
            return self.render(form, status=400)
        if not consume_apply(request, normalize_domain(form.cleaned_data["contact_email"])):
            return self.render(form, status=429, limited=True)
        try:
            services.application_create(tenant=request.tenant, questions=self.questions, answers=form.answers(),
                                        language=get_language(), **form.application_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.render(form, status=400)
        return redirect("onboarding:apply_thanks")

    def render(self, form, status=200, limited=False):
        return render(self.request, self.template_name, {"form": form, "tenant": self.request.tenant, "limited": limited},
                      status=status)


def apply_thanks(request):
    if request.tenant is None:
        raise Http404
    return render(request, "partners/onboarding/public/thanks.html", {"tenant": request.tenant})


class ApplicationLinkView(View):
    """The emailed link: confirms the address (once), and takes the answer when more information is asked."""

    template_name = "partners/onboarding/public/link.html"

    def dispatch(self, request, token):
        if request.tenant is None:
            raise Http404
        application_id = read_application_token(token, request.tenant)
        self.application = Application.objects.filter(pk=application_id).first() if application_id else None
        if self.application is None:
            return render(request, "partners/onboarding/public/invalid.html", {"tenant": request.tenant}, status=404)
        return super().dispatch(request, token)

    def get(self, request, token):
        return self.render(AnswerForm())

    def post(self, request, token):
        application = self.application
        form = AnswerForm(request.POST) if application.status == ApplicationStatus.MORE_INFO else AnswerForm()
        try:
            if application.status == ApplicationStatus.UNCONFIRMED:
                services.application_confirm(application=application)
            elif application.status == ApplicationStatus.MORE_INFO and form.is_valid():
                services.application_provide_info(application=application, answer=form.cleaned_data["answer"])
            elif application.status == ApplicationStatus.MORE_INFO:
                return self.render(form, status=400)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.render(form, status=400)
        return redirect(request.path)

    def render(self, form, status=200):
        return render(self.request, self.template_name,
                      {"application": self.application, "form": form, "tenant": self.request.tenant}, status=status)
