"""Agreements over /api/v1/: staff read templates and signatures, partners their own, a partner admin signs."""

from django_celery_beat.models import PeriodicTask

from partners.agreements.models import Signature
from prm.tenancy.context import tenant_context

from .helpers import publish, sign


def test_staff_read_templates_with_versions(world, client_as, key_client):
    version = publish(world.acme, world.acme_admin.user, title="Program terms", countries=["US"])
    publish(world.globex, world.globex_admin.user, title="Globex terms")
    rows = client_as(world.acme_manager).get("/api/v1/agreement-templates/").json()["results"]
    assert [(r["title"], r["countries"], [v["number"] for v in r["versions"]]) for r in rows] == [("Program terms", ["US"], [1])]
    assert key_client.get(f"/api/v1/agreement-templates/{version.template_id}/").json()["versions"][0]["status"] == "published"
    assert client_as(world.northwind_admin).get("/api/v1/agreement-templates/").status_code == 403


def test_partner_reads_its_current_agreement_and_signs_it(world, client_as):
    publish(world.acme, world.acme_admin.user)
    client = client_as(world.northwind_admin)
    current = client.get("/api/v1/agreement-signatures/current/").json()
    assert current["signed"] is False and current["overdue"] is False and current["due_at"]
    assert "Northwind Traders" in current["text"]
    refused = client.post("/api/v1/agreement-signatures/sign/", {"typed_name": "Nora", "text_sha256": "0" * 64},
                          content_type="application/json")
    assert refused.status_code == 400
    signed = client.post("/api/v1/agreement-signatures/sign/", {"typed_name": "Nora Admin", "text_sha256": current["text_sha256"]},
                         content_type="application/json", HTTP_USER_AGENT="crm-sync/1")
    assert signed.status_code == 201
    body = signed.json()
    assert (body["text_sha256"], body["typed_name"], body["user_agent"], body["partner"]) == (
        current["text_sha256"], "Nora Admin", "crm-sync/1", world.northwind.pk)
    after = client.get("/api/v1/agreement-signatures/current/").json()
    assert after["signed"] is True and after["signature"] == body["id"] and after["text"] is None


def test_partner_users_see_only_their_partners_signatures(world, client_as, key_client):
    publish(world.acme, world.acme_admin.user)
    own = sign(world.northwind, world.northwind_admin)
    from prm.tenancy.models import Role
    from tests.factories import MembershipFactory, UserFactory
    contoso_admin = MembershipFactory(tenant=world.acme, user=UserFactory(email="admin@contoso.example"),
                                      role=Role.PARTNER_ADMIN, partner=world.contoso)
    other = sign(world.contoso, contoso_admin)
    rows = client_as(world.northwind_rep).get("/api/v1/agreement-signatures/").json()["results"]
    assert [r["id"] for r in rows] == [own.pk]
    assert client_as(world.northwind_rep).get(f"/api/v1/agreement-signatures/{other.pk}/").status_code == 404
    assert {r["id"] for r in key_client.get("/api/v1/agreement-signatures/").json()["results"]} == {own.pk, other.pk}


def test_countersigning_over_the_api_is_for_tenant_admins(world, client_as, key_client):
    publish(world.acme, world.acme_admin.user)
    signature = sign(world.northwind, world.northwind_admin)
    url = f"/api/v1/agreement-signatures/{signature.pk}/countersign/"
    assert key_client.post(url, {"typed_name": "Key"}, format="json").status_code == 403
    assert client_as(world.acme_manager).post(url, {"typed_name": "Max"}, content_type="application/json").status_code == 403
    done = client_as(world.acme_admin).post(url, {"typed_name": "Ada Admin"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["countersign_typed_name"] == "Ada Admin"
    again = client_as(world.acme_admin).post(url, {"typed_name": "Ada Admin"}, content_type="application/json")
    assert again.status_code == 400
    with tenant_context(world.acme):
        assert Signature.objects.get(pk=signature.pk).countersign_typed_name == "Ada Admin"


def test_reminders_are_scheduled_on_beat(db):
    task = PeriodicTask.objects.get(task="partners.agreements.tasks.remind_unsigned_agreements")
    assert task.enabled and task.crontab is not None


def test_the_schema_says_a_signature_may_have_no_signer_or_countersigner_email(db):
    """A signature not counter-signed (or whose signer left) answers null there; the schema must allow it."""
    from drf_spectacular.generators import SchemaGenerator

    properties = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]["Signature"]["properties"]
    assert properties["countersigner_email"]["nullable"] is True
    assert properties["signer_email"]["nullable"] is True
