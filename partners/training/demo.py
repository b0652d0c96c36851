"""Demo training for Acme: four courses (one that Gold needs), certifications of Northwind's people (one
expiring within 30 days), and a claim waiting for approval."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from partners.tiers.models import Tier
from prm.tenancy.context import tenant_context
from prm.tenancy.models import Membership, Role, Tenant

from .models import Course
from .services import completion_claim, completion_record, course_create

# name, description, validity in months, tiers that need it
COURSES = [
    ("Acme Certified Sales Professional", "Positioning, pricing and the deal registration rules.", 12, ["Gold"]),
    ("Firewall Deployment Engineer", "Installing and tuning the Acme firewall range.", 24, []),
    ("Cloud Security Fundamentals", "The basics of securing workloads in the cloud.", None, []),
    ("SD-WAN Specialist", "Designing branch networks with Acme SD-WAN.", 12, []),
]
# A tiny PDF: enough for the upload check (it is told by its first bytes).
CERTIFICATE = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def load_training_demo() -> None:
    """Idempotent: a program that has courses already is left as it is."""
    tenant = Tenant.objects.get(slug="acme")
    with tenant_context(tenant):
        if Course.objects.exists():
            return
        admin = Membership.objects.filter(role=Role.TENANT_ADMIN).select_related("user").first().user
        courses = {}
        for name, description, months, tiers in COURSES:
            courses[name] = course_create(tenant=tenant, actor=admin, name=name, description=description,
                                          validity_months=months, required_for_tiers=Tier.objects.filter(name__in=tiers))
        users = get_user_model().objects
        nancy, robert = users.get(email="admin@northwind.example"), users.get(email="rep@northwind.example")
        today = timezone.localdate()
        # Nancy's sales certification was taken almost a year ago: it expires in 20 days.
        sales = courses["Acme Certified Sales Professional"]
        completion_record(tenant=tenant, actor=admin, course=sales, user=nancy,
                          completed_on=today - timedelta(days=20) - timedelta(days=345),
                          expires_on=today + timedelta(days=20))
        completion_record(tenant=tenant, actor=admin, course=courses["Cloud Security Fundamentals"], user=nancy,
                          completed_on=today - timedelta(days=400))
        completion_record(tenant=tenant, actor=admin, course=courses["Firewall Deployment Engineer"], user=robert,
                          completed_on=today - timedelta(days=90))
        claimant = Membership.objects.get(user=robert)
        completion_claim(membership=claimant, course=courses["SD-WAN Specialist"], completed_on=today - timedelta(days=5),
                         certificate=ContentFile(CERTIFICATE, name="sd-wan-certificate.pdf"))
