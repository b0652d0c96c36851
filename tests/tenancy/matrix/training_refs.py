"""Training rows of the matrix's world, made on first use in a test (the world has none): a course per
tenant, a pending claim with its certificate per partner, a checked completion import per tenant."""

from dataclasses import dataclass
from datetime import date

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from partners.training.models import Completion, CompletionImport, CompletionStatus, Course, ImportStatus, Source
from prm.tenancy.context import tenant_context
from prm.tenancy.models import Membership

PDF = b"%PDF-1.4\n%%EOF\n"
CERTIFICATE = "certificates/matrix-certificate.pdf"


def _course(tenant) -> Course:
    with tenant_context(tenant):
        return Course.objects.filter(name="Matrix course").first() or Course.objects.create(
            tenant=tenant, name="Matrix course", validity_months=12)


@dataclass(frozen=True)
class CourseOf:
    attr: str  # the tenant's attribute

    def __call__(self, w):
        return _course(getattr(w, self.attr))


@dataclass(frozen=True)
class ClaimOf:
    """A pending claim of the partner's first person, with a certificate file in the test's storage."""

    attr: str  # the partner's attribute

    def __call__(self, w):
        partner = getattr(w, self.attr)
        if not default_storage.exists(CERTIFICATE):
            default_storage.save(CERTIFICATE, ContentFile(PDF))
        course = _course(partner.tenant)
        with tenant_context(partner.tenant):
            found = Completion.objects.filter(partner=partner, course=course).first()
            if found is not None:
                return found
            person = Membership.objects.filter(partner=partner).order_by("pk").first()
            return Completion.objects.create(
                tenant=partner.tenant, course=course, user=person.user, partner=partner, completed_on=date(2026, 1, 15),
                expires_on=date(2027, 1, 15), source=Source.CLAIM, status=CompletionStatus.PENDING, certificate=CERTIFICATE)


@dataclass(frozen=True)
class CompletionImportOf:
    """A checked import of one good row (the tenant's first partner person completed the matrix course)."""

    attr: str

    def __call__(self, w):
        tenant = getattr(w, self.attr)
        course = _course(tenant)
        with tenant_context(tenant):
            found = CompletionImport.objects.filter(filename="matrix-lms.csv").first()
            if found is not None:
                return found
            person = Membership.objects.filter(partner__isnull=False).order_by("pk").first()
            return CompletionImport.objects.create(
                tenant=tenant, filename="matrix-lms.csv", status=ImportStatus.CHECKED, bad_rows={"columns": [], "rows": []},
                rows=[[2, person.user.email, course.name, "2026-01-15", ""]])


def claim_data(w, obj=None):
    """The portal's claim form: Northwind's rep claims the matrix course (a partner admin may claim for him too)."""
    return {"user": w.northwind_rep.user.pk, "course": CourseOf("acme")(w).pk, "completed_on": str(timezone.localdate()),
            "certificate": SimpleUploadedFile("certificate.pdf", PDF, "application/pdf")}


def record_data(w, obj=None):
    return {"email": "rep@northwind.example", "course": CourseOf("acme")(w).pk, "completed_on": str(timezone.localdate())}


def lms_upload(w, obj=None):
    return {"file": SimpleUploadedFile("lms.csv", b"email,course,completed on\nrep@northwind.example,Matrix course,2026-01-15\n")}
