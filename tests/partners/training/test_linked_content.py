"""A course's linked content: the manager links items of the content library (audited by title), the
dashboard lists them, and the portal and the API show a partner only the linked items it may see."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from rest_framework.test import APIClient

from partners.training import services
from partners.training.models import Course
from prm.accounts.models import User
from prm.audit.models import AuditEvent

from ..content.helpers import make_item
from .conftest import completion


@pytest.fixture
def items(world, courses):
    """Acme's items: one for all partners, one for Gold only, one expired; and one of Globex."""
    acme, admin = world.acme, world.acme_admin.user
    return {
        "deck": make_item(acme, admin, "Sales deck"),
        "gold": make_item(acme, admin, "Gold playbook", visibility="tiers", tiers=[courses["gold"]]),
        "old": make_item(acme, admin, "Old brochure", expires_at=timezone.now() - timedelta(hours=1)),
        "globex": make_item(world.globex, world.globex_admin.user, "Globex sheet"),
    }


def _audit(course):
    return list(AuditEvent.unscoped.filter(target_type="training.course", target_id=str(course.pk))
                .order_by("id").values_list("verb", "data"))


def test_linking_content_is_audited_by_title_and_refuses_another_programs_items(world, in_tenant, courses, items):
    with in_tenant(world.acme):
        course = services.course_create(tenant=world.acme, actor=world.acme_manager.user, name="Routing",
                                        content=[items["gold"], items["deck"]])
        assert set(course.content.all()) == {items["deck"], items["gold"]}
        services.course_update(course=course, actor=world.acme_manager.user, content=[items["deck"]])
        assert list(course.content.all()) == [items["deck"]]
        services.course_update(course=course, actor=world.acme_manager.user, name="Routing basics")
        assert list(course.content.all()) == [items["deck"]]  # not named: the links stay
        with pytest.raises(ValidationError) as refused:
            services.course_update(course=course, actor=world.acme_manager.user, content=[items["globex"]])
        assert "content" in refused.value.error_dict
    (_, created), (_, linked), (_, renamed) = _audit(course)
    assert created["content"] == ["Gold playbook", "Sales deck"]
    assert linked == {"content": ["Sales deck"]}
    assert "content" not in renamed


def test_the_manager_links_content_in_the_course_form_and_the_edit_page_lists_it(world, client_as, in_tenant,
                                                                                 courses, items):
    client = client_as(world.acme_manager)
    course = courses["sales"]
    form = client.get(f"/manage/training/courses/{course.pk}/").content.decode()
    assert 'name="content"' in form and "Sales deck" in form and "Globex sheet" not in form
    assert "No content is linked to this course yet." in form
    response = client.post(f"/manage/training/courses/{course.pk}/", {
        "name": "Sales", "validity_months": "12", "required_for_tiers": [courses["gold"].pk, courses["silver"].pk],
        "content": [items["deck"].pk, items["gold"].pk]})
    assert response.status_code == 302
    with in_tenant(world.acme):
        assert set(course.content.all()) == {items["deck"], items["gold"]}
    page = client.get(f"/manage/training/courses/{course.pk}/").content.decode()
    assert f'data-linked-item="{items["deck"].pk}"' in page and f'data-linked-item="{items["gold"].pk}"' in page
    assert f'href="/manage/content/{items["gold"].pk}/"' in page
    # Another program's item is not a choice.
    response = client.post(f"/manage/training/courses/{course.pk}/", {"name": "Sales", "content": [items["globex"].pk]})
    assert response.status_code == 400 and 'id="id_content_error"' in response.content.decode()


def test_the_portal_shows_only_the_linked_content_the_partner_may_see(world, client_as, in_tenant, courses, items):
    with in_tenant(world.acme):
        courses["sales"].content.set([items["deck"], items["gold"], items["old"]])
        courses["firewall"].content.set([items["gold"]])
    client = client_as(world.northwind_rep)  # Northwind is Silver: Sales and Firewall are its gaps
    page = client.get("/portal/training/").content.decode()
    assert f'href="/portal/content/{items["deck"].pk}/"' in page and "Sales deck" in page
    assert "Gold playbook" not in page and "Old brochure" not in page
    assert f'data-course-content="{courses["firewall"].pk}"' not in page  # nothing it may see: no links at all
    # The hidden item's page is the 404 of a missing one anyway.
    assert client.get(f"/portal/content/{items['gold'].pk}/").status_code == 404
    # A certified person's course shows its links too.
    completion(world.northwind_rep, courses["sales"], timezone.localdate() - timedelta(days=3))
    page = client.get("/portal/training/").content.decode()
    assert page.count(f'data-linked-item="{items["deck"].pk}"') == 1  # in the people's table; Sales is no gap now
    assert "Gold playbook" not in page


def _api(member):
    client = APIClient(HTTP_HOST=f"{member.tenant.slug}.localhost")
    client.force_login(member.user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_the_api_writes_linked_content_for_staff_and_reads_partners_only_their_visible_items(world, in_tenant,
                                                                                              courses, items):
    staff = _api(world.acme_manager)
    url = f"/api/v1/courses/{courses['sales'].pk}/"
    changed = staff.patch(url, {"content": [items["deck"].pk, items["gold"].pk]}, format="json")
    assert changed.status_code == 200, changed.content
    assert sorted(changed.json()["content"]) == sorted([items["deck"].pk, items["gold"].pk])
    assert staff.patch(url, {"content": [items["globex"].pk]}, format="json").status_code == 400
    with in_tenant(world.acme):
        assert set(Course.objects.get(pk=courses["sales"].pk).content.all()) == {items["deck"], items["gold"]}
    assert staff.get(url).json()["content"] == [items["gold"].pk, items["deck"].pk]  # by title
    partner = _api(world.northwind_rep)
    assert partner.get(url).json()["content"] == [items["deck"].pk]
    listed = {row["name"]: row["content"] for row in partner.get("/api/v1/courses/").json()["results"]}
    assert listed["Sales"] == [items["deck"].pk] and listed["Firewall"] == []
    assert partner.patch(url, {"content": []}, format="json").status_code == 403


def test_linked_content_in_german(world, client_as, in_tenant, courses, items):
    with in_tenant(world.acme):
        courses["sales"].content.set([items["deck"]])
    User.objects.filter(pk__in=[world.northwind_rep.user_id, world.acme_manager.user_id]).update(language="de")
    with translation.override("en"):  # the German pages leave no German behind for the tests after
        page = client_as(world.acme_manager).get(f"/manage/training/courses/{courses['firewall'].pk}/").content.decode()
        portal = client_as(world.northwind_rep).get("/portal/training/").content.decode()
    assert "Verknüpfte Inhalte" in page and "Mit diesem Kurs sind noch keine Inhalte verknüpft." in page
    assert "zur Vorbereitung:" in portal
