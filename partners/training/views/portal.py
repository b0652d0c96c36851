from django.contrib.auth import get_user_model
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from prm.tenancy.actions import form_submit
from prm.tenancy.models import Role
from prm.tenancy.views import PortalViewMixin

from .. import services
from ..certificates import certificate_response
from ..forms import ClaimForm
from ..models import Completion
from ..selectors import partner_people, partner_training, with_visible_content


class PortalTrainingView(PortalViewMixin, View):
    """The partner's people and their certifications, the gaps against its tier and the next, and a claim."""

    def people(self):
        if self.membership.role == Role.PARTNER_ADMIN:
            return partner_people(self.partner)
        return get_user_model().objects.filter(pk=self.request.user.pk)

    def get(self, request, form=None, status=200):
        training = partner_training(self.partner, timezone.localdate())
        shown = [c.course for person in training.people for c in person.completions]
        with_visible_content(self.partner, [*shown, *training.gaps, *training.next_gaps])
        context = {"training": training, "form": form or ClaimForm(people=self.people())}
        return render(request, "partners/training/portal/training.html", context, status=status)

    def post(self, request):
        form = ClaimForm(request.POST, request.FILES, people=self.people())
        return (form_submit(request, form, lambda data: services.completion_claim(
                    membership=self.membership, user=data["user"], course=data["course"],
                    completed_on=data["completed_on"], certificate=data["certificate"]),
                    message=_("Claim sent: your channel manager checks the certificate."), then="training:portal")
                or self.get(request, form=form, status=400))


class PortalCertificateView(PortalViewMixin, View):
    """A certificate of the partner's own people; another partner's is the 404 of a missing one."""

    model = Completion

    def get(self, request, pk):
        return certificate_response(self.get_object())
