"""The dashboard's partner page as the partner's overview (partners/overview.py and its providers).

The figures below are worked out by hand:

Deals of Northwind (program currency C, one approved and one won deal in another currency O):
  submitted 1,000 + 1,000 · more info 500 · approved 2,000 × 3 (+ 9,999 O) · won 3,000 × 2 (+ 7,777 O)
  · lost 100,000 · draft 50,000
  → open 7 (2 submitted, 1 more info, 4 approved), pipeline 2,000 + 500 + 6,000 = 8,500 C over 6
    deals, 1 open deal left out; won 3, 6,000 C over 2 deals, 1 left out; 12 deals in all.
NPS in the window (at least 3 answers to be ranked, no ghost answers):
  Northwind [10, 10, 9, 8, 0, 3, 5] → n 7: 3 promoters, 1 passive, 3 detractors, NPS 0;
    adjusted Wald: n' 10, p' = d' = 0.375, 0 ± 1.96 · 100 · √(0.75 / 10) = ±53.7 → −54 to 54
  Contoso [10, 0, 0, 0] → NPS −50; Fabrikam [10, 10] → too few answers, not ranked
  → Northwind 1st of 2 ranked partners.
Follow-ups of Northwind: the 0 overdue since yesterday, the 3 due tomorrow, the 5 closed
  → 2 open, 1 of them overdue, 1 closed.
"""

import math
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.defaultfilters import floatformat
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dealreg.models import Deal
from partners import overview, services
from partners.models import Partner
from prm.audit.models import AuditEvent
from prm.i18n.formatting import money_whole
from prm.tenancy.context import tenant_context
from prm.tenancy.models import Role
from surveys import rankings
from surveys.models import FollowUpCase, FollowUpStatus
from tests.factories import MembershipFactory, PartnerFactory, UserFactory
from tests.surveys.helpers import bulk_answers, make_survey, set_settings

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
NOW = timezone.now()
WHEN = NOW - timedelta(hours=1)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def page_of(world, partner):
    return reverse("partners:dashboard_detail", args=[partner.pk])


def add_deals(partner, rows):
    """rows: (status, value, currency or None for the program's)."""
    tenant = partner.tenant
    Deal.unscoped.bulk_create([
        Deal(tenant=tenant, partner=partner, status=status, customer_name=f"Customer {i}", contact_name="Jane Buyer",
             contact_email=f"jane{i}@customer{i}.example", value=Decimal(value), currency=currency or tenant.currency,
             expected_close_date=NOW.date() + timedelta(days=30))
        for i, (status, value, currency) in enumerate(rows)
    ])


NORTHWIND_DEALS = [
    ("submitted", "1000", None), ("submitted", "1000", None), ("more_info", "500", None),
    ("approved", "2000", None), ("approved", "2000", None), ("approved", "2000", None), ("approved", "9999", "other"),
    ("won", "3000", None), ("won", "3000", None), ("won", "7777", "other"), ("lost", "100000", None), ("draft", "50000", None),
]


def other_currency(tenant):
    return "GBP" if tenant.currency != "GBP" else "EUR"


def section(html, key):
    start = html.index(f'data-section="{key}"')
    return html[start:html.index("</section>", start)]


def text(fragment):
    import re

    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


@pytest.fixture
def overview_world(world):
    acme, northwind, contoso = world.acme, world.northwind, world.contoso
    with tenant_context(acme):
        other = other_currency(acme)
        add_deals(northwind, [(s, v, other if c == "other" else c) for s, v, c in NORTHWIND_DEALS])
        add_deals(contoso, [("approved", "123456", None), ("won", "654321", None)])
        set_settings(acme, minimum_answers=3, ghost_answers=0)
        survey = make_survey(acme, "NPS")
        answers = bulk_answers(survey, northwind, [10, 10, 9, 8, 0, 3, 5], WHEN)
        bulk_answers(survey, contoso, [10, 0, 0, 0], WHEN)
        fabrikam = PartnerFactory(tenant=acme, name="Fabrikam Partners")
        bulk_answers(survey, fabrikam, [10, 10], WHEN)
        by_score = {a.score: a for a in answers}
        FollowUpCase.unscoped.create(tenant=acme, answer=by_score[0], partner=northwind, due_at=NOW - timedelta(days=1))
        FollowUpCase.unscoped.create(tenant=acme, answer=by_score[3], partner=northwind, due_at=NOW + timedelta(days=1))
        FollowUpCase.unscoped.create(tenant=acme, answer=by_score[5], partner=northwind, due_at=NOW - timedelta(days=3),
                                     status=FollowUpStatus.CLOSED, closed_at=NOW - timedelta(days=2))
        rankings.run_rankings(tenant=acme, run_date=NOW.date())
    world.fabrikam, world.other_currency = fabrikam, other
    return world


def test_the_deals_section_counts_open_won_and_the_pipeline_in_the_program_currency(overview_world, client_as):
    w = overview_world
    html = client_as(w.acme_manager).get(page_of(w, w.northwind)).content.decode()
    deals = text(section(html, "deals"))
    currency = w.acme.currency
    assert "7 open deals" in deals
    assert f"{money_whole(Decimal('8500'), currency)} pipeline: the value of 6 open deals in {currency}" in deals
    assert "1 open deal in another currency is not included" in deals
    assert "3 deals won" in deals
    assert f"{money_whole(Decimal('6000'), currency)} won: the value of 2 deals in {currency}" in deals
    assert "1 won deal in another currency is not included" in deals
    assert "Submitted: 2" in deals and "More info requested: 1" in deals and "Approved: 4" in deals
    assert "See all 12 deals of this partner" in deals
    # Contoso's deals are not Northwind's.
    assert money_whole(Decimal("123456"), currency) not in deals


def test_each_deal_count_links_to_the_list_that_shows_as_many_rows(overview_world, client_as):
    w = overview_world
    client = client_as(w.acme_manager)
    html = section(client.get(page_of(w, w.northwind)).content.decode(), "deals")
    deals = reverse("dealreg:dashboard_list")
    for query, expected in ((f"partner={w.northwind.pk}&amp;status=won", 3), (f"partner={w.northwind.pk}&amp;status=submitted", 2),
                            (f"partner={w.northwind.pk}", 12)):
        assert f'href="{deals}?{query}"' in html
        listed = client.get(f"{deals}?{query.replace('&amp;', '&')}")
        assert listed.context["paginator"].count == expected


def test_the_nps_section_shows_the_stored_score_with_its_interval_sample_and_rank(overview_world, client_as):
    w = overview_world
    html = client_as(w.acme_manager).get(page_of(w, w.northwind)).content.decode()
    nps = text(section(html, "nps"))
    n, promoters, detractors = 7, 3, 3
    n_adj, p_adj, d_adj = n + 3, (promoters + 0.75) / (n + 3), (detractors + 0.75) / (n + 3)
    centre = 100 * (p_adj - d_adj)
    half = 1.96 * 100 * math.sqrt((p_adj + d_adj - (p_adj - d_adj) ** 2) / n_adj)
    low, high = floatformat(centre - half, 0), floatformat(centre + half, 0)
    assert (low, high) == ("-54", "54")
    assert f"0 NPS, 95% interval {low} to {high}" in nps
    assert "1st of 2 ranked partners" in nps
    assert "7 answers: 3 promoters, 1 passives, 3 detractors" in nps


def test_a_partner_below_the_minimum_is_marked_not_enough_answers(overview_world, client_as):
    w = overview_world
    nps = text(section(client_as(w.acme_manager).get(page_of(w, w.fabrikam)).content.decode(), "nps"))
    assert "not enough answers: a partner needs 3 answers to be ranked" in nps
    assert "ranked partners" not in nps
    assert "2 answers: 2 promoters" in nps


def test_without_a_ranking_run_the_nps_section_says_so(world, client_as):
    nps = text(section(client_as(world.acme_manager).get(page_of(world, world.northwind)).content.decode(), "nps"))
    assert "No ranking has been computed yet" in nps


def test_open_follow_ups_are_listed_with_the_overdue_ones_marked(overview_world, client_as):
    w = overview_world
    html = section(client_as(w.acme_manager).get(page_of(w, w.northwind)).content.decode(), "follow-ups")
    figures = text(html)
    assert "2 open follow-ups with unhappy customers" in figures
    assert "1 overdue" in figures
    assert "1 closed" in figures
    cases = {c.answer.score: c for c in FollowUpCase.unscoped.filter(partner=w.northwind).select_related("answer")}
    overdue, due = (html[html.index(f'data-case="{cases[s].pk}"'):] for s in (0, 3))
    assert "overdue since" in overdue.split("</li>")[0]
    assert "overdue since" not in due.split("</li>")[0] and "due " in due.split("</li>")[0]
    assert f'data-case="{cases[5].pk}"' not in html  # closed: counted, not listed
    assert reverse("surveys:dashboard_follow_up", args=[cases[0].pk]) in html


def test_the_partner_page_and_the_nps_drill_down_link_to_each_other(overview_world, client_as):
    w = overview_world
    client = client_as(w.acme_manager)
    drill_down = reverse("surveys:dashboard_partner", args=[w.northwind.pk])
    page = page_of(w, w.northwind)
    assert f'href="{drill_down}"' in section(client.get(page).content.decode(), "nps")
    assert f'href="{page}"' in client.get(drill_down).content.decode()


def test_sections_come_in_their_order_and_the_page_works_with_only_its_own(overview_world, client_as, monkeypatch):
    w = overview_world
    client = client_as(w.acme_manager)
    html = client.get(page_of(w, w.northwind)).content.decode()
    mine = ["profile", "team", "deals", "nps", "follow-ups", "timeline"]
    positions = [html.index(f'data-section="{key}"') for key in mine]
    assert positions == sorted(positions)

    # Another part's section (here at order 30) lands between the team and the deals; one with
    # nothing to show is left out; with no other part registered the page still shows its own.
    def extra(partner):
        return overview.Section("extra", "Extra", "partners/overview/timeline.html", context={"events": []}, order=30)

    monkeypatch.setattr(overview, "_providers", [extra, lambda partner: None])
    html = client.get(page_of(w, w.northwind)).content.decode()
    keys = ["profile", "team", "extra", "timeline"]
    positions = [html.index(f'data-section="{key}"') for key in keys]
    assert positions == sorted(positions)
    assert 'data-section="deals"' not in html
    assert 'href="#extra"' in html


def test_the_profile_shows_the_self_service_fields_and_the_channel_manager(world, client_as):
    with tenant_context(world.acme):
        Partner.objects.filter(pk=world.northwind.pk).update(
            street="Hafenstraße 1", postcode="20457", city="Hamburg", description="Cloud partner in the north.",
            specialisations="cloud migration, security", regions="Hamburg, Bremen", owner=world.acme_manager,
            business_type="msp")
    profile = text(section(client_as(world.acme_admin).get(page_of(world, world.northwind)).content.decode(), "profile"))
    for value in ("Managed service provider", "Hafenstraße 1", "20457 Hamburg", "Cloud partner in the north.", "cloud migration, security",
                  "Hamburg, Bremen", "manager@acme.example"):
        assert value in profile


def _grow(partner, k):
    """k of each kind of row the page shows or counts: deals, answers, follow-ups, users, events."""
    tenant = partner.tenant
    add_deals(partner, [(s, "100", None) for s in ("submitted", "approved", "won", "lost")] * k)
    survey = make_survey(tenant, f"Survey for {partner.name}")
    answers = bulk_answers(survey, partner, [0, 9, 10] * k, WHEN)
    FollowUpCase.unscoped.bulk_create([
        FollowUpCase(tenant=tenant, answer=a, partner=partner, due_at=NOW + timedelta(days=(-1) ** i))
        for i, a in enumerate(a for a in answers if a.score == 0)])
    for i in range(k):
        MembershipFactory(tenant=tenant, partner=partner, role=Role.PARTNER_USER,
                          user=UserFactory(email=f"user{i}@{partner.pk}.example"))
        AuditEvent.unscoped.create(tenant=tenant, verb="partner.updated", target_type="partners.partner",
                                   target_id=str(partner.pk))


def test_the_page_costs_the_same_queries_however_many_rows_the_partner_holds(world, client_as):
    with tenant_context(world.acme):
        set_settings(world.acme, minimum_answers=3)
        _grow(world.contoso, 1)
        _grow(world.northwind, 25)
        rankings.run_rankings(tenant=world.acme, run_date=NOW.date())
    client = client_as(world.acme_manager)
    counts = []
    for partner in (world.contoso, world.northwind):
        client.get(page_of(world, partner))  # warm: the session and per-process caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page_of(world, partner))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_another_tenants_partner_page_is_a_404(world, client_as):
    assert client_as(world.globex_manager).get(page_of(world, world.northwind)).status_code == 404
    assert client_as(world.northwind_admin).get(page_of(world, world.northwind)).status_code == 403


# --- the dashboard's edit form: the company profile, the channel manager, the logo -------------


def _edit_data(partner, **changes):
    from partners.forms import PartnerForm
    from tests.tenancy.matrix.pages import _form_data

    with tenant_context(partner.tenant):
        return _form_data(PartnerForm, partner, **changes)


def test_the_dashboard_edit_form_has_the_profile_fields_and_the_channel_manager(world, client_as):
    from partners.forms import COMPANY_PROFILE_FIELDS, PartnerForm, ProfileForm

    assert set(COMPANY_PROFILE_FIELDS) <= set(PartnerForm.base_fields) & set(ProfileForm.base_fields)
    assert "logo" in PartnerForm.base_fields and "owner" in PartnerForm.base_fields
    edit = reverse("partners:dashboard_edit", args=[world.northwind.pk])
    data = _edit_data(world.northwind, street="Hafenstraße 1", postcode="20457", city="Hamburg",
                      description="Cloud partner.", specialisations="security", regions="Hamburg",
                      owner=world.acme_manager.pk)
    response = client_as(world.acme_admin).post(edit, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_context(world.acme):
        partner = Partner.objects.get(pk=world.northwind.pk)
        event = AuditEvent.objects.filter(target_id=str(partner.pk), verb="partner.updated").latest("pk")
    assert (partner.street, partner.postcode, partner.city, partner.description, partner.specialisations, partner.regions,
            partner.owner_id) == ("Hafenstraße 1", "20457", "Hamburg", "Cloud partner.", "security", "Hamburg",
                                  world.acme_manager.pk)
    assert event.data["changed"]["owner"] == ["", "manager@acme.example"]


def test_only_an_active_manager_of_the_program_can_be_the_channel_manager(world, client_as):
    edit = reverse("partners:dashboard_edit", args=[world.northwind.pk])
    for wrong in (world.northwind_rep, world.globex_manager):
        response = client_as(world.acme_admin).post(edit, _edit_data(world.northwind, owner=wrong.pk))
        assert response.status_code == 400
        assert response.context["form"].errors["owner"]
    with tenant_context(world.acme):
        assert Partner.objects.get(pk=world.northwind.pk).owner_id is None
        with pytest.raises(ValidationError, match="active channel manager"):
            services.partner_update(partner=Partner.objects.get(pk=world.northwind.pk), actor=world.acme_admin.user,
                                    owner=world.northwind_rep)


def test_a_logo_uploaded_on_the_dashboard_is_stored_and_shown(world, client_as):
    edit = reverse("partners:dashboard_edit", args=[world.northwind.pk])
    data = {**_edit_data(world.northwind), "logo": SimpleUploadedFile("logo.png", PNG, "image/png")}
    assert client_as(world.acme_admin).post(edit, data).status_code == 302
    logo = client_as(world.acme_manager).get(reverse("partners:dashboard_logo", args=[world.northwind.pk]))
    assert b"".join(logo.streaming_content) == PNG


@pytest.mark.parametrize("replace", ["dashboard", "portal"])
def test_a_replaced_logo_file_is_deleted_once_the_change_commits(world, replace, django_capture_on_commit_callbacks):
    with tenant_context(world.acme):
        partner = Partner.objects.get(pk=world.northwind.pk)
        partner.logo.save("first.png", ContentFile(PNG), save=True)
        old = partner.logo.name
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            if replace == "dashboard":
                services.partner_update(partner=partner, actor=world.acme_admin.user,
                                        logo=SimpleUploadedFile("second.png", PNG, "image/png"))
            else:
                services.partner_profile_update(partner=partner, actor=world.northwind_admin.user,
                                                logo=SimpleUploadedFile("second.png", PNG, "image/png"))
        new = Partner.objects.get(pk=partner.pk).logo.name
        assert new != old and default_storage.exists(new)
        assert default_storage.exists(old)  # not before the commit: a rolled-back change keeps its file
        for callback in callbacks:
            callback()
        assert not default_storage.exists(old)
        assert default_storage.exists(new)


def test_a_refused_logo_change_keeps_the_old_file(world, django_capture_on_commit_callbacks):
    with tenant_context(world.acme):
        partner = Partner.objects.get(pk=world.northwind.pk)
        partner.logo.save("first.png", ContentFile(PNG), save=True)
        old = partner.logo.name
        # The new file is stored before the row is validated; the invalid website rolls the change back.
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError, match="URL"):
            services.partner_update(partner=partner, actor=world.acme_admin.user, website="not a web address",
                                    logo=SimpleUploadedFile("second.png", PNG, "image/png"))
        assert default_storage.exists(old)
        assert Partner.objects.get(pk=partner.pk).logo.name == old


# --- the timeline: the latest events on the page, every event on the partner's timeline page ----


def _events(partner, n):
    """n events of the partner, note i recorded i minutes ago (note 0 the newest)."""
    AuditEvent.unscoped.bulk_create([
        AuditEvent(tenant=partner.tenant, verb="partner.updated", target_type="partners.partner",
                   target_id=str(partner.pk), data={"note": f"note {i:02d}"}) for i in range(n)])
    for i in range(n):
        AuditEvent.unscoped.filter(target_id=str(partner.pk), data__note=f"note {i:02d}").update(
            created_at=NOW - timedelta(minutes=i))


def _notes(html):
    import re

    return re.findall(r"“(note \d\d)”", html)


def test_the_page_shows_the_latest_ten_events_and_links_to_all_of_them(world, client_as):
    northwind = world.northwind
    AuditEvent.unscoped.filter(target_type="partners.partner", target_id=str(northwind.pk)).delete()
    _events(northwind, 11)
    timeline_url = reverse("partners:dashboard_timeline", args=[northwind.pk])
    html = section(client_as(world.acme_manager).get(page_of(world, northwind)).content.decode(), "timeline")
    assert _notes(html) == [f"note {i:02d}" for i in range(10)]
    assert f'href="{timeline_url}"' in html

    AuditEvent.unscoped.filter(data__note="note 10").delete()  # exactly ten: nothing more to see
    html = section(client_as(world.acme_manager).get(page_of(world, northwind)).content.decode(), "timeline")
    assert len(_notes(html)) == 10 and timeline_url not in html


def test_the_timeline_page_shows_every_event_newest_first_fifty_a_page(world, client_as):
    northwind = world.northwind
    AuditEvent.unscoped.filter(target_type="partners.partner", target_id=str(northwind.pk)).delete()
    _events(northwind, 60)
    client = client_as(world.acme_manager)
    url = reverse("partners:dashboard_timeline", args=[northwind.pk])
    first, second = client.get(url), client.get(url + "?page=2")
    assert first.status_code == second.status_code == 200
    assert _notes(first.content.decode()) == [f"note {i:02d}" for i in range(50)]
    assert _notes(second.content.decode()) == [f"note {i:02d}" for i in range(50, 60)]
    assert f'href="{page_of(world, northwind)}"' in first.content.decode()
    assert 'rel="next"' in first.content.decode()


def test_another_tenants_partner_timeline_is_a_404(world, client_as):
    url = reverse("partners:dashboard_timeline", args=[world.northwind.pk])
    assert client_as(world.globex_manager).get(url).status_code == 404
    assert client_as(world.northwind_admin).get(url).status_code == 403
