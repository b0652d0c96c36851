"""The training pages: courses, completions (claims, recording, import), coverage, the portal page and
the certificate downloads (another partner's or tenant's is a 404)."""

from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from partners.training import services
from partners.training.models import Completion, CompletionImport, CompletionStatus, Course

from .conftest import completion

PDF = b"%PDF-1.4\n%%EOF\n"


def _claim(world, in_tenant, courses, member=None):
    with in_tenant(world.acme):
        return services.completion_claim(membership=member or world.northwind_rep, course=courses["firewall"],
                                         completed_on=date(2026, 2, 1), certificate=SimpleUploadedFile("c.pdf", PDF))


def test_a_manager_adds_edits_and_switches_off_a_course(world, client_as, in_tenant, courses):
    client = client_as(world.acme_manager)
    response = client.post("/manage/training/", {"name": "Wi-Fi Expert", "validity_months": "18",
                                                 "required_for_tiers": [courses["gold"].pk]})
    assert response.status_code == 302
    with in_tenant(world.acme):
        course = Course.objects.get(name="Wi-Fi Expert")
        assert course.validity_months == 18 and list(course.required_for_tiers.all()) == [courses["gold"]]
    assert "Wi-Fi Expert" in client.get("/manage/training/").content.decode()
    response = client.post("/manage/training/", {"name": "wi-fi expert"})
    assert response.status_code == 400 and 'id="id_name_error"' in response.content.decode()
    assert client.post(f"/manage/training/courses/{course.pk}/", {"name": "Wi-Fi Pro", "validity_months": ""}).status_code == 302
    assert client.post(f"/manage/training/courses/{course.pk}/toggle/").status_code == 302
    course.refresh_from_db()
    assert (course.name, course.validity_months, course.is_active) == ("Wi-Fi Pro", None, False)
    with in_tenant(world.acme):
        assert list(course.required_for_tiers.all()) == []


def test_a_manager_records_and_decides_claims_and_lists_with_filters(world, client_as, in_tenant, courses):
    client = client_as(world.acme_manager)
    today = timezone.localdate()
    response = client.post("/manage/training/completions/", {"email": "rep@northwind.example", "course": courses["sales"].pk,
                                                             "completed_on": str(today)})
    assert response.status_code == 302
    response = client.post("/manage/training/completions/", {"email": "nobody@x.example", "course": courses["sales"].pk,
                                                             "completed_on": str(today)})
    assert response.status_code == 400 and 'id="id_email_error"' in response.content.decode()
    claim = _claim(world, in_tenant, courses, world.northwind_admin)
    other = _claim(world, in_tenant, courses, world.contoso_rep)
    page = client.get("/manage/training/completions/").content.decode()
    assert f'data-completion="{claim.pk}"' in page and f"/manage/training/completions/{claim.pk}/certificate/" in page
    assert client.post(f"/manage/training/completions/{claim.pk}/approve/").status_code == 302
    assert client.post(f"/manage/training/completions/{other.pk}/reject/", {"reason": ""}).status_code == 302
    other.refresh_from_db()
    assert other.status == CompletionStatus.PENDING  # no reason, no rejection
    assert client.post(f"/manage/training/completions/{other.pk}/reject/", {"reason": "Wrong course"}).status_code == 302
    claim.refresh_from_db(), other.refresh_from_db()
    assert (claim.status, other.status, other.decision_note) == ("approved", "rejected", "Wrong course")
    filtered = client.get("/manage/training/completions/", {"partner": world.contoso.pk}).content.decode()
    assert f'data-completion="{other.pk}"' in filtered and f'data-completion="{claim.pk}"' not in filtered
    filtered = client.get("/manage/training/completions/", {"status": "approved", "q": "northwind"}).content.decode()
    assert f'data-completion="{claim.pk}"' in filtered and f'data-completion="{other.pk}"' not in filtered


def test_the_import_pages_preview_then_import(world, client_as, in_tenant, courses):
    client = client_as(world.acme_manager)
    bad = SimpleUploadedFile("lms.csv", b"email,course,completed on\nrep@northwind.example,Sales,2026-01-15\n"
                                        b"x@y.example,Sales,2026-01-15\n")
    response = client.post("/manage/training/imports/", {"file": bad})
    with in_tenant(world.acme):
        batch = CompletionImport.objects.get()
    assert response["Location"] == f"/manage/training/imports/{batch.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert 'data-line="3"' in page and "x@y.example" in page and "Import all rows" not in page
    assert client.post(f"/manage/training/imports/{batch.pk}/confirm/").status_code == 302
    good = SimpleUploadedFile("lms.csv", b"email,course,completed on\nrep@northwind.example,Sales,2026-01-15\n")
    location = client.post("/manage/training/imports/", {"file": good})["Location"]
    assert "Import all rows" in client.get(location).content.decode()
    assert client.post(location + "confirm/")["Location"] == "/manage/training/completions/"
    with in_tenant(world.acme):
        assert Completion.objects.get().user == world.northwind_rep.user
    refused = client.post("/manage/training/imports/", {"file": SimpleUploadedFile("x.csv", b"a,b\n1,2\n")})
    assert refused["Location"] == "/manage/training/completions/"


def test_coverage_shows_people_active_and_gaps_against_the_tier(world, client_as, courses):
    today = timezone.localdate()
    completion(world.northwind_rep, courses["sales"], today - timedelta(days=10), today + timedelta(days=30))
    completion(world.northwind_admin, courses["cloud"], today - timedelta(days=10))
    page = client_as(world.acme_manager).get("/manage/training/coverage/").content.decode()
    northwind = page[page.index(f'data-partner="{world.northwind.pk}"'):]
    northwind = northwind[:northwind.index("</tr>")]
    cells = [cell.split(">", 1)[1].split("<")[0].strip() for cell in northwind.split("<td")[1:]]
    # Silver needs Sales and Firewall (Retired is switched off): Firewall is the gap.
    assert cells[1:] == ["Silver", "2", "2", "1", "Firewall"]


def test_the_portal_shows_the_partners_people_gaps_and_takes_a_claim(world, client_as, in_tenant, courses):
    today = timezone.localdate()
    mine = completion(world.northwind_admin, courses["sales"], today - timedelta(days=300), today + timedelta(days=20))
    theirs = completion(world.contoso_rep, courses["firewall"], today - timedelta(days=3))
    client = client_as(world.northwind_rep)
    page = client.get("/portal/training/").content.decode()
    assert f'data-completion="{mine.pk}"' in page and f'data-completion="{theirs.pk}"' not in page
    assert "Your tier Silver needs:" in page and "Firewall" in page and "For Gold still missing:" in page
    assert "1 expires within 90 days" in page
    # A partner user claims for themselves only: the person list holds them alone.
    response = client.post("/portal/training/", {"user": world.northwind_rep.user.pk, "course": courses["cloud"].pk,
                                                 "completed_on": str(today), "certificate": SimpleUploadedFile("c.pdf", PDF)})
    assert response.status_code == 302
    response = client.post("/portal/training/", {"user": world.northwind_admin.user.pk, "course": courses["cloud"].pk,
                                                 "completed_on": str(today), "certificate": SimpleUploadedFile("c.pdf", PDF)})
    assert response.status_code == 400 and 'id="id_user_error"' in response.content.decode()
    response = client.post("/portal/training/", {"user": world.northwind_rep.user.pk, "course": courses["sales"].pk,
                                                 "completed_on": str(today), "certificate": SimpleUploadedFile("c.pdf", b"GIF89a")})
    assert response.status_code == 400 and 'id="id_certificate_error"' in response.content.decode()
    with in_tenant(world.acme):
        claim = Completion.objects.get(status=CompletionStatus.PENDING)
    assert (claim.user, claim.course) == (world.northwind_rep.user, courses["cloud"])


def test_certificates_download_for_staff_and_the_partners_own_people_only(world, client_as, in_tenant, courses):
    claim = _claim(world, in_tenant, courses)
    contoso = _claim(world, in_tenant, courses, world.contoso_rep)
    staff = client_as(world.acme_manager).get(f"/manage/training/completions/{claim.pk}/certificate/")
    assert staff.status_code == 200 and b"".join(staff.streaming_content) == PDF
    assert staff["Content-Type"] == "application/pdf" and "attachment" in staff["Content-Disposition"]
    own = client_as(world.northwind_admin).get(f"/portal/training/certificates/{claim.pk}/")
    assert own.status_code == 200 and b"".join(own.streaming_content) == PDF
    missing = client_as(world.northwind_admin).get("/portal/training/certificates/987654321/")
    other = client_as(world.northwind_admin).get(f"/portal/training/certificates/{contoso.pk}/")
    assert missing.status_code == other.status_code == 404 and missing.content == other.content
    assert client_as(world.globex_admin).get(f"/manage/training/completions/{claim.pk}/certificate/").status_code == 404
    recorded = completion(world.northwind_rep, courses["cloud"], date(2026, 1, 1))  # no file
    assert client_as(world.acme_manager).get(f"/manage/training/completions/{recorded.pk}/certificate/").status_code == 404


def test_the_partner_page_and_portal_home_show_the_certifications(world, client_as, courses):
    today = timezone.localdate()
    completion(world.northwind_rep, courses["sales"], today - timedelta(days=300), today + timedelta(days=20))
    page = client_as(world.acme_manager).get(f"/manage/partners/{world.northwind.pk}/").content.decode()
    assert 'id="training"' in page and "1 active certification" in page and "1 expires within 90 days" in page
    assert "Courses Silver needs that nobody holds: Firewall" in page
    home = client_as(world.northwind_rep).get("/portal/").content.decode()
    assert "active certification" in home and "certification expires within 90 days" in home
