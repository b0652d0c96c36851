"""Training on the dashboard: courses, completions (claims to decide, recording, CSV import), and
coverage by partner."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from partners.models import Partner
from prm.tenancy.actions import ServiceActionView, add_service_errors, error_text, form_submit
from prm.tenancy.lists import paged
from prm.tenancy.views import DashboardViewMixin

from .. import services
from ..certificates import certificate_response
from ..forms import CompletionFilterForm, CourseForm, ImportForm, RecordForm, RejectForm
from ..models import Completion, CompletionImport, Course
from ..selectors import completions, courses, coverage, pending_claims

PAGE_SIZE = 25


class CoursesView(DashboardViewMixin, View):
    """The program's courses, and a new one."""

    def get(self, request, form=None, status=200):
        context = {"courses": courses(), "form": form or CourseForm()}
        return render(request, "partners/training/dashboard/courses.html", context, status=status)

    def post(self, request):
        form = CourseForm(request.POST)
        return (form_submit(request, form, lambda data: services.course_create(tenant=self.tenant, actor=request.user, **data),
                            message=_("Course added."), then="training:courses")
                or self.get(request, form=form, status=400))


class CourseEditView(DashboardViewMixin, View):
    model = Course

    def get(self, request, pk, form=None, status=200):
        course = self.get_object()
        form = form or CourseForm(initial={"name": course.name, "description": course.description,
                                           "validity_months": course.validity_months,
                                           "required_for_tiers": list(course.required_for_tiers.all()),
                                           "content": list(course.content.all())})
        linked = course.content.order_by("title", "pk")
        return render(request, "partners/training/dashboard/course_edit.html",
                      {"course": course, "form": form, "linked": linked}, status=status)

    def post(self, request, pk):
        course = self.get_object()
        form = CourseForm(request.POST)
        return (form_submit(request, form, lambda data: services.course_update(course=course, actor=request.user, **data),
                            message=_("Course saved."), then="training:courses")
                or self.get(request, pk, form=form, status=400))


class CourseToggleView(DashboardViewMixin, ServiceActionView):
    model = Course

    def get_success_message(self, course):
        if course.is_active:
            return _("“%(course)s” is switched on.") % {"course": course.name}
        return _("“%(course)s” is switched off: it takes no new completions and counts towards no tier.") % {"course": course.name}

    def perform(self, course):
        services.course_toggle(course=course, actor=self.request.user)

    def get_success_url(self, obj):
        return reverse("training:courses")


class CompletionsView(DashboardViewMixin, View):
    """Every completion, filtered; the claims waiting for a decision; recording one; importing a file."""

    def get(self, request, form=None, status=200):
        filter_form = CompletionFilterForm(request.GET or None)
        filter_form.is_valid()  # an invalid filter is ignored; the valid ones still apply
        data = getattr(filter_form, "cleaned_data", {})
        rows = completions(status=data.get("status", ""), q=data.get("q", ""),
                           course=data["course"].pk if data.get("course") else None,
                           partner=data["partner"].pk if data.get("partner") else None)
        listing = paged(request, rows, PAGE_SIZE)
        context = {**listing, "completions": listing["page_obj"].object_list, "filter_form": filter_form,
                   "pending": pending_claims()[:50], "form": form or RecordForm(), "import_form": ImportForm(),
                   "reject_form": RejectForm(), "imports": CompletionImport.objects.all()[:5],
                   "today": timezone.localdate()}
        return render(request, "partners/training/dashboard/completions.html", context, status=status)

    def post(self, request):
        form = RecordForm(request.POST)
        return (form_submit(request, form, lambda data: services.completion_record(
                    tenant=self.tenant, actor=request.user, course=data["course"], user=data["user"],
                    completed_on=data["completed_on"], expires_on=data.get("expires_on")),
                    message=_("Certification recorded."), then="training:completions")
                or self.get(request, form=form, status=400))


class CompletionApproveView(DashboardViewMixin, ServiceActionView):
    model = Completion

    def get_success_message(self, completion):
        return _("Approved: the certification counts from now on.")

    def perform(self, completion):
        services.completion_approve(completion=completion, actor=self.request.user)

    def get_success_url(self, obj):
        return reverse("training:completions")


class CompletionRejectView(DashboardViewMixin, View):
    model = Completion
    http_method_names = ["post"]

    def post(self, request, pk):
        completion = self.get_object()
        form = RejectForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Say why you reject the claim: the partner reads it."))
            return redirect("training:completions")
        try:
            services.completion_reject(completion=completion, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Claim rejected."))
        return redirect("training:completions")


class CertificateView(DashboardViewMixin, View):
    """A completion's certificate file, for the program's staff."""

    model = Completion

    def get(self, request, pk):
        return certificate_response(self.get_object())


class ImportUploadView(DashboardViewMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                batch = services.completions_import_check(tenant=self.tenant, actor=request.user,
                                                          upload=form.cleaned_data["file"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("training:import", pk=batch.pk)
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("training:completions")


class ImportDetailView(DashboardViewMixin, View):
    """The checked file: how many rows are good, every bad row and why; the confirmation."""

    model = CompletionImport

    def get(self, request, pk):
        batch = self.get_object()
        return render(request, "partners/training/dashboard/import.html",
                      {"batch": batch, "bad": batch.bad_rows.get("rows", []), "rows": len(batch.rows)})


class ImportConfirmView(DashboardViewMixin, View):
    model = CompletionImport
    http_method_names = ["post"]

    def post(self, request, pk):
        batch = self.get_object()
        try:
            created = services.completions_import_confirm(batch=batch, actor=request.user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            return redirect("training:import", pk=batch.pk)
        messages.success(request, _("%(count)s certifications imported.") % {"count": len(created)})
        return redirect("training:completions")


class CoverageView(DashboardViewMixin, View):
    """Per partner: people certified, active certifications, expiring ones, and gaps against its tier."""

    def get(self, request):
        listing = paged(request, Partner.objects.select_related("tier").order_by("name", "pk"), PAGE_SIZE)
        context = {**listing, "rows": coverage(list(listing["page_obj"].object_list), timezone.localdate())}
        return render(request, "partners/training/dashboard/coverage.html", context)
