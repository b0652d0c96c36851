"""The learning system's CSV: a preview with every bad row and why, then all rows or none."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from partners.training import services
from partners.training.models import Completion, CompletionStatus, ImportStatus, Source

from .conftest import completion


def _csv(text):
    return SimpleUploadedFile("lms.csv", text.encode(), "text/csv")


GOOD = ("Email;Course;Completed on;Expires on\n"
        "REP@northwind.example;sales;2026-01-15;\n"
        "admin@northwind.example;Cloud;15.01.2026;31.12.2030\n"
        "rep@contoso.example;Firewall;2025-06-30;\n")


def test_a_clean_file_is_previewed_then_imported_at_once(world, in_tenant, courses, django_capture_on_commit_callbacks):
    with in_tenant(world.acme):
        batch = services.completions_import_check(tenant=world.acme, actor=world.acme_manager.user, upload=_csv(GOOD))
        assert batch.status == ImportStatus.CHECKED and batch.bad_rows["rows"] == [] and len(batch.rows) == 3
        assert not Completion.objects.exists()  # the check writes nothing
        with django_capture_on_commit_callbacks(execute=True):
            created = services.completions_import_confirm(batch=batch, actor=world.acme_manager.user)
        rows = {(c.user.email, c.course.name): (c.partner_id, c.completed_on, c.expires_on, c.source, c.status)
                for c in Completion.objects.select_related("user", "course")}
        with pytest.raises(ValidationError):  # once
            services.completions_import_confirm(batch=batch, actor=world.acme_manager.user)
    assert len(created) == 3
    ok = (Source.IMPORT, CompletionStatus.APPROVED)
    assert rows == {
        ("rep@northwind.example", "Sales"): (world.northwind.pk, date(2026, 1, 15), date(2027, 1, 15), *ok),
        ("admin@northwind.example", "Cloud"): (world.northwind.pk, date(2026, 1, 15), date(2030, 12, 31), *ok),
        ("rep@contoso.example", "Firewall"): (world.contoso.pk, date(2025, 6, 30), date(2027, 6, 30), *ok),
    }


def test_every_bad_row_is_listed_with_why_and_nothing_is_imported(world, in_tenant, courses):
    completion(world.northwind_rep, courses["cloud"], date(2026, 1, 1))
    text = ("email,course,completed on,expires on\n"
            "rep@northwind.example,Sales,2026-01-15,\n"  # good
            "nobody@nowhere.example,Sales,2026-01-15,\n"  # unknown person
            "manager@acme.example,Sales,2026-01-15,\n"  # staff, no partner's person
            "rep@northwind.example,Basket weaving,2026-01-15,\n"  # unknown course
            "rep@northwind.example,Retired,2026-01-15,\n"  # switched off
            "rep@northwind.example,Firewall,15/01/2026,\n"  # date it cannot read
            "rep@northwind.example,Firewall,2026-01-15,2026-01-01\n"  # expiry before completion
            "rep@northwind.example,Cloud,2026-01-01,\n"  # recorded already
            "rep@northwind.example,sales,2026-01-15,\n"  # the same as line 2
            "admin@initech.example,Sales,2026-01-15,\n")  # another program's person
    with in_tenant(world.acme):
        batch = services.completions_import_check(tenant=world.acme, actor=world.acme_manager.user, upload=_csv(text))
        with pytest.raises(ValidationError):
            services.completions_import_confirm(batch=batch, actor=world.acme_manager.user)
        assert Completion.objects.count() == 1
    assert batch.status == ImportStatus.PROBLEMS
    problems = {row["line"]: " ".join(row["problems"]) for row in batch.bad_rows["rows"]}
    assert sorted(problems) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert "nobody@nowhere.example" in problems[3] and "manager@acme.example" in problems[4]
    assert "Basket weaving" in problems[5] and "switched off" in problems[6]
    assert "15/01/2026" in problems[7] and "after the completion date" in problems[8]
    assert "recorded already" in problems[9] and "earlier row" in problems[10] and "admin@initech.example" in problems[11]


def test_a_row_gone_bad_since_the_check_refuses_the_whole_file(world, in_tenant, courses):
    with in_tenant(world.acme):
        batch = services.completions_import_check(tenant=world.acme, actor=world.acme_manager.user, upload=_csv(GOOD))
        services.course_toggle(course=courses["firewall"], actor=world.acme_manager.user)
        with pytest.raises(ValidationError, match="nothing was imported"):
            services.completions_import_confirm(batch=batch, actor=world.acme_manager.user)
        assert not Completion.objects.exists()
        batch.refresh_from_db()
    assert batch.status == ImportStatus.CHECKED  # the refusal rolled the claim back: it may be tried again


@pytest.mark.parametrize("text, message", [
    ("name,when\nAna,2026-01-01\n", "must name the columns"), ("email,course,completed on\n", "no rows")])
def test_a_file_without_the_columns_or_rows_is_refused_on_the_file(world, in_tenant, courses, text, message):
    with in_tenant(world.acme), pytest.raises(ValidationError, match=message) as exc:
        services.completions_import_check(tenant=world.acme, actor=world.acme_manager.user, upload=_csv(text))
    assert "file" in exc.value.message_dict
