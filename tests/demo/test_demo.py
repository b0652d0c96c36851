"""The demo matches the README: both programs have partners, partner users, deals in every state and
NPS answers; the leaderboard has significant changes; the emails the load writes are .eml files,
newest first, whose links work on the port the demo was loaded for; loading again changes nothing."""

import email
import email.policy
import re
from collections import Counter
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.test import Client
from django.urls import Resolver404, resolve

from dealreg.models import Deal, DealStatus
from dealreg.services import deal_mark_won
from partners.agreements.selectors import partner_agreement_signed, partner_held_back
from partners.checklist.models import ChecklistStep
from partners.models import Partner
from prm.audit.models import AuditEvent
from prm.outbox.models import OutboundEmail
from prm.tenancy.context import tenant_context
from prm.tenancy.models import Membership, Tenant
from surveys.models import Answer, InvitationStatus, PartnerScore, RankingRun, Survey, SurveyInvitation
from tests.support import sign_in

from .conftest import load_demo_now

pytestmark = pytest.mark.django_db
LINK = re.compile(r"https?://[^\s\"'<>]+")


def _tenant(slug):
    return Tenant.objects.get(slug=slug)


def _mails(demo):
    """(file name, message) of every file in the demo's mail folder, in a plain listing's order."""
    return [(path.name, email.message_from_bytes(path.read_bytes(), policy=email.policy.default))
            for path in sorted(demo.mail.iterdir())]


def _text(message):
    return message.get_body(("plain",)).get_content()


@pytest.mark.parametrize("slug", ["acme", "globex"])
def test_each_program_has_deals_in_every_state_of_the_lifecycle(demo, slug):
    statuses = Counter(Deal.unscoped.filter(tenant=_tenant(slug)).values_list("status", flat=True))
    assert set(statuses) == set(DealStatus.values)


@pytest.mark.parametrize("slug", ["acme", "globex"])
def test_an_expired_deal_was_approved_long_ago_and_expired_by_the_sweeps_service(demo, slug):
    deal = Deal.unscoped.get(tenant=_tenant(slug), status=DealStatus.EXPIRED)
    assert deal.submitted_at < deal.decided_at < deal.protected_until < deal.updated_at
    events = list(AuditEvent.unscoped.filter(target_type="dealreg.deal", target_id=str(deal.pk)).order_by("created_at", "id"))
    assert [e.verb for e in events][-2:] == ["deal.approve", "deal.expire"]
    approved, expired = events[-2:]
    assert (expired.created_at - approved.created_at).days >= 90  # the timeline reads as it happened
    assert expired.actor_label  # the rule that expired it, as the sweep would record it


def test_globex_has_partners_partner_users_deals_and_answers_in_german(demo):
    globex = _tenant("globex")
    assert Partner.unscoped.filter(tenant=globex).count() == 25
    users = Membership.unscoped.filter(tenant=globex, partner__name="Initech Solutions").values_list("user__email", flat=True)
    assert sorted(users) == ["admin@initech.example", "rep@initech.example"]
    assert Deal.unscoped.filter(tenant=globex, partner__name="Initech Solutions").count() >= 9
    survey = Survey.unscoped.get(tenant=globex)
    assert survey.language == "de"
    assert Answer.unscoped.filter(tenant=globex).count() > 500
    assert RankingRun.unscoped.filter(tenant=globex).exists()


def test_acme_has_the_partners_of_the_readme(demo):
    assert Partner.unscoped.filter(tenant=_tenant("acme")).count() == 48
    assert Partner.unscoped.filter(tenant=_tenant("acme"), name__in=["Northwind Traders", "Contoso Integration"]).count() == 2


@pytest.mark.parametrize(("slug", "signed", "within_grace"), [
    ("acme", "Northwind Traders", "Contoso Integration"),
    ("globex", "Initech Solutions", None),
])
def test_each_program_has_a_published_agreement_its_partner_admins_signed(demo, slug, signed, within_grace):
    """Partners with an admin signed; Contoso (no partner admin) still has the publication's re-sign days."""
    with tenant_context(_tenant(slug)):
        assert partner_agreement_signed(Partner.objects.get(name=signed))
        if within_grace:
            partner = Partner.objects.get(name=within_grace)
            assert not partner_agreement_signed(partner) and not partner_held_back(partner)


@pytest.mark.parametrize("slug", ["acme", "globex"])
def test_each_program_has_an_onboarding_checklist_of_every_kind(demo, slug):
    with tenant_context(_tenant(slug)):
        kinds = list(ChecklistStep.objects.order_by("position").values_list("kind", flat=True))
    assert kinds == ["agreement", "profile", "colleagues", "first_deal", "manual"]


@pytest.mark.parametrize(("slug", "manager", "partner"), [
    ("acme", "manager@acme.example", "Contoso Integration"),
    ("globex", "manager@globex.example", "Initech Solutions"),
])
def test_the_leaderboard_marks_a_significant_change_on_its_row(demo, slug, manager, partner):
    tenant = _tenant(slug)
    run = RankingRun.unscoped.get(tenant=tenant)
    score = PartnerScore.unscoped.get(run=run, period="window", partner__name=partner)
    assert score.trend_significant and abs(score.trend_delta) > 30
    client = Client(HTTP_HOST=f"{slug}.localhost")
    sign_in(client, manager, "prm-demo-2026")
    html = client.get("/manage/nps/").content.decode()
    rows = [row for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S) if "/manage/nps/partners/" in row]  # the partners' rows
    marked = [row for row in rows if "●" in row]
    assert [row for row in rows if f">{partner}</a>" in row][0] in marked
    assert len(marked) < len(rows) / 3  # a few changes, not noise everywhere


def test_the_emails_are_eml_files_newest_first_with_links_on_the_demos_port(demo):
    mails = _mails(demo)
    assert len(mails) == OutboundEmail.objects.count() > 20
    assert all(name.endswith(".eml") for name, _ in mails)
    dates = [message["Date"].datetime for _, message in mails]
    assert dates == sorted(dates, reverse=True)
    links = [link for _, message in mails for link in LINK.findall(_text(message))]
    assert links
    for link in links:
        parts = urlsplit(link)
        assert parts.netloc in (f"acme.localhost:{demo.port}", f"globex.localhost:{demo.port}"), link
        try:
            resolve(parts.path)
        except Resolver404:
            pytest.fail(f"{link} leads nowhere")


@pytest.mark.parametrize(("slug", "question"), [
    ("acme", "How likely are you to recommend Northwind Traders to a friend or colleague?"),
    ("globex", "Wie wahrscheinlich ist es, dass Sie Initech Solutions einem Freund oder Kollegen empfehlen?"),
])
def test_a_survey_email_is_ready_to_be_answered(demo, slug, question):
    tenant = _tenant(slug)
    invitation = SurveyInvitation.unscoped.get(tenant=tenant, status=InvitationStatus.SENT, deal__isnull=False)
    assert invitation.deal.status == DealStatus.WON
    [message] = [m for _, m in _mails(demo) if m["To"] == invitation.email]
    link = next(link for link in LINK.findall(_text(message)) if "/s/" in link and link.endswith("?score=9"))
    parts = urlsplit(link)
    assert parts.netloc == f"{slug}.localhost:{demo.port}"
    customer = Client(HTTP_HOST=parts.netloc)
    page = customer.get(f"{parts.path}?{parts.query}")
    assert page.status_code == 200
    assert question in page.content.decode()
    answered = customer.post(parts.path, {"score": "9", "comment": ""})
    assert answered.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ANSWERED


def _everything():
    """How many rows every table holds, and what the demo's rows say that a second run could change."""
    counts = {model._meta.label: model._base_manager.count() for model in apps.get_models()}
    states = sorted(Deal.unscoped.values_list("pk", "status", "protected_until"))
    return counts, states


def test_loading_the_demo_again_changes_nothing(demo, settings):
    settings.EMAIL_BACKEND, settings.EMAIL_FILE_PATH = "prm.outbox.eml_backend.EmlEmailBackend", str(demo.mail)
    settings.PRM_PUBLIC_PORT = demo.port
    acme = _tenant("acme")
    with tenant_context(acme):  # someone tries the demo: a deal they mark won is theirs, not the demo's to survey
        deal = Deal.objects.filter(status=DealStatus.APPROVED).first()
        deal_mark_won(deal=deal, actor=Membership.objects.get(user__email="rep@northwind.example").user)
    before, files = _everything(), sorted(demo.mail.iterdir())
    load_demo_now()
    after = _everything()
    assert {table: (count, after[0][table]) for table, count in before[0].items() if after[0][table] != count} == {}
    assert after == before
    assert sorted(demo.mail.iterdir()) == files
