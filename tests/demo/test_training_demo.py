"""The demo's training: Acme's courses (one that Gold needs), Northwind's certifications (one expiring
within 30 days, so the reminders and the at-risk notice have something to show) and a claim waiting."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from partners.demo import DEMO_PASSWORD
from partners.models import Partner
from partners.tiers.requirements import kind_of
from partners.training.models import Completion, CompletionStatus, Course
from prm.tenancy.context import tenant_context
from prm.tenancy.models import Tenant
from tests.support import sign_in

pytestmark = pytest.mark.django_db


def test_acme_has_courses_one_of_which_gold_needs(demo):
    with tenant_context(Tenant.objects.get(slug="acme")):
        courses = {c.name: [t.name for t in c.required_for_tiers.all()] for c in Course.objects.all()}
    assert len(courses) == 4
    assert [name for name, tiers in courses.items() if tiers] == ["Acme Certified Sales Professional"]
    assert courses["Acme Certified Sales Professional"] == ["Gold"]


def test_northwind_holds_certifications_one_expiring_within_30_days_and_a_claim_waits(demo):
    acme = Tenant.objects.get(slug="acme")
    today = timezone.localdate()
    with tenant_context(acme):
        northwind = Partner.objects.get(name="Northwind Traders")
        rows = list(Completion.objects.filter(partner=northwind).select_related("course"))
        active = kind_of("certifications").measure([northwind.pk], today, None)[northwind.pk].value
    approved = [r for r in rows if r.status == CompletionStatus.APPROVED]
    assert len(approved) == 3 and active == 3
    assert [r.course.name for r in approved if r.expires_on and r.expires_on <= today + timedelta(days=30)] == [
        "Acme Certified Sales Professional"]
    pending = [r for r in rows if r.status == CompletionStatus.PENDING]
    assert len(pending) == 1 and pending[0].certificate.name.endswith(".pdf")


def test_the_demos_manager_sees_the_claim_and_the_rep_sees_the_portal_page(demo):
    client = Client(HTTP_HOST="acme.localhost")
    sign_in(client, "manager@acme.example", DEMO_PASSWORD)
    assert "SD-WAN Specialist" in client.get("/manage/training/completions/").content.decode()
    client = Client(HTTP_HOST="acme.localhost")
    sign_in(client, "rep@northwind.example", DEMO_PASSWORD)
    page = client.get("/portal/training/").content.decode()
    assert "Firewall Deployment Engineer" in page and "SD-WAN Specialist" in page
