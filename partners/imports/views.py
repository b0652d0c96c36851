"""Upload a file, check its preview, confirm it, watch it run (htmx polls the progress block)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from prm.imports import bad_rows_frame
from prm.spreadsheets import spreadsheet_response
from prm.tenancy.actions import add_service_errors, error_text
from prm.tenancy.views import DashboardViewMixin

from . import progress, services
from .forms import ConfirmForm, UploadForm
from .models import PartnerImport
from .selectors import recent_imports

SHOWN_PROBLEMS = 200


class UploadView(DashboardViewMixin, View):
    def get(self, request, form=None, status=200):
        context = {"form": form or UploadForm(), "imports": recent_imports()}
        return render(request, "partners/imports/upload.html", context, status=status)

    def post(self, request):
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                partner_import = services.import_upload(tenant=self.tenant, actor=request.user,
                                                        upload=form.cleaned_data["file"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("partner_imports:detail", pk=partner_import.pk)
        return self.get(request, form=form, status=400)


class ImportDetailView(DashboardViewMixin, View):
    """The preview, then the progress, then the result; htmx asks for the progress block alone."""

    model = PartnerImport

    def get(self, request, pk, confirm_form=None, status=200):
        partner_import = self.get_object()
        context = {"import": partner_import, "progress": progress.read(partner_import),
                   "problems": partner_import.problems[:SHOWN_PROBLEMS],
                   "more_problems": max(len(partner_import.problems) - SHOWN_PROBLEMS, 0),
                   "confirm_form": confirm_form or ConfirmForm(), "upload_form": UploadForm()}
        if request.htmx:
            return render(request, "partners/imports/progress.html", context)
        return render(request, "partners/imports/detail.html", context, status=status)


class ImportConfirmView(ImportDetailView):
    http_method_names = ["post"]

    def post(self, request, pk):
        partner_import = self.get_object()
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            return self.get(request, pk, confirm_form=form, status=400)
        try:
            services.import_confirm(partner_import=partner_import, actor_membership=self.membership,
                                    invite_users=form.cleaned_data["invite_users"])
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("The import has started; this page shows how far it is."))
        return redirect("partner_imports:detail", pk=partner_import.pk)


class ImportBadRowsView(DashboardViewMixin, View):
    model = PartnerImport

    def get(self, request, pk):
        partner_import = self.get_object()
        return spreadsheet_response(bad_rows_frame(partner_import.bad_rows), "csv",
                                    filename=f"partner-import-{partner_import.pk}-problems", sheet_name="Problems")
