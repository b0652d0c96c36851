"""Courses and completions over /api/v1/: staff manage courses and record, approve and reject completions;
partner users read the active courses and their own partner's completions."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from partners.training import services
from partners.training.models import Completion, Course

from .conftest import completion

PDF = b"%PDF-1.4\n%%EOF\n"


def _client(member):
    client = APIClient(HTTP_HOST=f"{member.tenant.slug}.localhost")
    client.force_login(member.user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_staff_create_change_and_list_courses(world, in_tenant, courses):
    client = _client(world.acme_manager)
    created = client.post("/api/v1/courses/", {"name": "Wi-Fi Expert", "validity_months": 18,
                                               "required_for_tiers": ["gold"]}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["name"], body["validity_months"], body["required_for_tiers"], body["is_active"]) == (
        "Wi-Fi Expert", 18, ["Gold"], True)
    duplicate = client.post("/api/v1/courses/", {"name": "WI-FI expert"}, format="json")
    assert duplicate.status_code == 400 and "name" in duplicate.json()
    changed = client.patch(f"/api/v1/courses/{body['id']}/", {"is_active": False, "required_for_tiers": []}, format="json")
    assert changed.status_code == 200 and changed.json()["required_for_tiers"] == [] and not changed.json()["is_active"]
    names = [row["name"] for row in client.get("/api/v1/courses/", {"active": "false"}).json()["results"]]
    assert names == ["Retired", "Wi-Fi Expert"]
    assert client.get("/api/v1/courses/", {"active": "maybe"}).status_code == 400
    with in_tenant(world.acme):
        assert Course.objects.filter(name="Wi-Fi Expert", is_active=False).exists()


def test_partner_users_read_the_active_courses_only_and_change_nothing(world, courses):
    client = _client(world.northwind_rep)
    listed = client.get("/api/v1/courses/").json()["results"]
    assert [row["name"] for row in listed] == ["Cloud", "Firewall", "Sales"]
    assert client.get(f"/api/v1/courses/{courses['retired'].pk}/").status_code == 404
    assert client.post("/api/v1/courses/", {"name": "Mine"}, format="json").status_code == 403
    assert client.patch(f"/api/v1/courses/{courses['sales'].pk}/", {"name": "Mine"}, format="json").status_code == 403


def test_staff_record_approve_and_reject_completions(world, in_tenant, courses):
    client = _client(world.acme_manager)
    recorded = client.post("/api/v1/completions/", {"email": "REP@northwind.example", "course": courses["sales"].pk,
                                                    "completed_on": "2026-01-15"}, format="json")
    assert recorded.status_code == 201, recorded.content
    assert (recorded.json()["partner"], recorded.json()["expires_on"], recorded.json()["status"]) == (
        world.northwind.pk, "2027-01-15", "approved")
    unknown = client.post("/api/v1/completions/", {"email": "nobody@x.example", "course": courses["sales"].pk,
                                                   "completed_on": "2026-01-15"}, format="json")
    assert unknown.status_code == 400 and "email" in unknown.json()
    with in_tenant(world.acme):
        claims = [services.completion_claim(membership=m, course=courses["cloud"], completed_on=date(2026, 2, 1),
                                            certificate=SimpleUploadedFile("c.pdf", PDF)) for m in (world.northwind_rep, world.contoso_rep)]
    approved = client.post(f"/api/v1/completions/{claims[0].pk}/approve/")
    assert approved.status_code == 200 and approved.json()["status"] == "approved" and approved.json()["has_certificate"]
    assert client.post(f"/api/v1/completions/{claims[0].pk}/approve/").status_code == 400  # once
    assert client.post(f"/api/v1/completions/{claims[1].pk}/reject/", {}, format="json").status_code == 400
    rejected = client.post(f"/api/v1/completions/{claims[1].pk}/reject/", {"reason": "Blurry scan"}, format="json")
    assert rejected.status_code == 200 and rejected.json()["decision_note"] == "Blurry scan"
    listed = client.get("/api/v1/completions/", {"status": "rejected"}).json()["results"]
    assert [row["id"] for row in listed] == [claims[1].pk]
    listed = client.get("/api/v1/completions/", {"partner": world.northwind.pk, "course": courses["cloud"].pk}).json()["results"]
    assert [row["id"] for row in listed] == [claims[0].pk]
    assert client.get("/api/v1/completions/", {"status": "lost"}).status_code == 400


def test_partner_users_list_their_own_partners_completions(world, courses):
    mine = completion(world.northwind_admin, courses["sales"], date(2026, 1, 1))
    theirs = completion(world.contoso_rep, courses["sales"], date(2026, 1, 1))
    client = _client(world.northwind_rep)
    assert [row["id"] for row in client.get("/api/v1/completions/").json()["results"]] == [mine.pk]
    assert client.get(f"/api/v1/completions/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/v1/completions/{mine.pk}/approve/").status_code == 403
    assert client.post("/api/v1/completions/", {"email": "rep@northwind.example", "course": courses["sales"].pk,
                                                "completed_on": "2026-01-15"}, format="json").status_code == 403
    assert Completion.unscoped.count() == 2
    assert _client(world.initech_admin).get(f"/api/v1/completions/{mine.pk}/").status_code == 404
