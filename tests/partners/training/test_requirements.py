"""The two tier requirement kinds against hand-computed partners: active dates, renewals, switched-off
courses, pending claims; and what lapses between two days."""

from datetime import date
from decimal import Decimal

from partners.tiers.models import TierRequirement
from partners.tiers.requirements import kind_of
from partners.training.models import CompletionStatus

from ...factories import MembershipFactory, UserFactory
from .conftest import TODAY, completion


def _requirement(world, tier, kind):
    return TierRequirement.unscoped.create(tenant=world.acme, tier=tier, kind=kind, threshold=Decimal("2"))


def _northwind_and_contoso(world, courses):
    """Northwind: admin holds Sales (until 15 Apr) and its renewal (until 31 Mar 2027), Cloud (forever);
    rep holds Firewall (expired 31 Mar, the day itself), Retired (switched off), a pending Sales claim.
    Contoso: rep holds Firewall until 10 Apr."""
    nw_admin, nw_rep, co_rep = world.northwind_admin, world.northwind_rep, world.contoso_rep
    completion(nw_admin, courses["sales"], date(2025, 4, 15), date(2026, 4, 15))
    completion(nw_admin, courses["sales"], date(2026, 3, 31), date(2027, 3, 31))  # renewed early, from today
    completion(nw_admin, courses["cloud"], date(2024, 1, 1))
    completion(nw_rep, courses["firewall"], date(2024, 3, 31), date(2026, 3, 31))  # expires on TODAY: not active
    completion(nw_rep, courses["retired"], date(2026, 1, 1), date(2027, 1, 1))
    completion(nw_rep, courses["sales"], date(2026, 3, 1), date(2027, 3, 1), status=CompletionStatus.PENDING)
    completion(co_rep, courses["firewall"], date(2024, 4, 10), date(2026, 4, 10))
    completion(co_rep, courses["cloud"], date(2026, 4, 1))  # completed tomorrow (as of TODAY): not yet active


def test_certifications_count_active_approved_ones_once_per_person_and_course(world, courses, in_tenant):
    kind = kind_of("certifications")
    assert kind.unit == "count" and kind.uses_threshold and str(kind.label) == "Active certifications"
    _northwind_and_contoso(world, courses)
    ids = [world.northwind.pk, world.contoso.pk]
    with in_tenant(world.acme):
        figures = kind.measure(ids, TODAY, None)
        assert {pk: m.value for pk, m in figures.items()} == {world.northwind.pk: Decimal(2), world.contoso.pk: Decimal(1)}
        # A day earlier Northwind's rep still held Firewall; on 10 Apr Contoso's Firewall has expired.
        assert kind.measure(ids, date(2026, 3, 30), None)[world.northwind.pk].value == Decimal(3)
        later = kind.measure(ids, date(2026, 4, 10), None)
        assert later[world.contoso.pk].value == Decimal(1)  # Firewall gone, Cloud begun on 1 Apr
        assert kind.measure([world.initech.pk], TODAY, None)[world.initech.pk].value == Decimal(0)


def test_required_courses_counts_the_tiers_active_courses_someone_at_the_partner_holds(world, courses, in_tenant):
    kind = kind_of("required_courses")
    assert not kind.uses_threshold and str(kind.label) == "Certifications the tier needs"
    _northwind_and_contoso(world, courses)
    ids = [world.northwind.pk, world.contoso.pk]
    with in_tenant(world.acme):
        silver = _requirement(world, courses["silver"], "required_courses")
        gold = _requirement(world, courses["gold"], "required_courses")
        assert kind.target(silver) == Decimal(2)  # Sales, Firewall (Retired is switched off)
        assert kind.target(gold) == Decimal(1)
        on_silver = kind.measure(ids, TODAY, silver)
        assert {pk: m.value for pk, m in on_silver.items()} == {world.northwind.pk: Decimal(1), world.contoso.pk: Decimal(1)}
        assert kind.measure(ids, date(2026, 3, 30), silver)[world.northwind.pk].value == Decimal(2)
        assert kind.measure(ids, TODAY, gold)[world.contoso.pk].value == Decimal(0)


def test_lapses_are_the_expiries_in_the_window_that_no_renewal_outlasts(world, courses, in_tenant):
    _northwind_and_contoso(world, courses)
    rep, contoso_rep = world.northwind_rep.user.get_full_name(), world.contoso_rep.user.get_full_name()
    ids = [world.northwind.pk, world.contoso.pk]
    with in_tenant(world.acme):
        silver = _requirement(world, courses["silver"], "required_courses")
        lapses = kind_of("certifications").lapses(ids, TODAY, date(2026, 5, 1), None)
        # Northwind's Sales of 15 Apr is renewed until 2027, so only Contoso's Firewall lapses; the rep's Firewall
        # expired on the window's first day (start is inside the window).
        assert lapses == {
            world.northwind.pk: [(date(2026, 3, 31), f"Certification “Firewall” of {rep} expires")],
            world.contoso.pk: [(date(2026, 4, 10), f"Certification “Firewall” of {contoso_rep} expires")],
        }
        assert kind_of("certifications").lapses(ids, date(2026, 4, 1), date(2026, 4, 10), None) == {}
        gold = _requirement(world, courses["gold"], "required_courses")
        assert kind_of("required_courses").lapses(ids, TODAY, date(2026, 5, 1), gold) == {}
        assert set(kind_of("required_courses").lapses(ids, TODAY, date(2026, 5, 1), silver)) == {
            world.northwind.pk, world.contoso.pk}


def test_a_person_is_named_by_name_or_else_by_email(world, courses, in_tenant):
    person = MembershipFactory(tenant=world.acme, user=UserFactory(email="ann@northwind.example", full_name="Ann Lee"),
                               role="partner_user", partner=world.northwind)
    nameless = MembershipFactory(tenant=world.acme, user=UserFactory(email="bo@northwind.example", full_name=""),
                                 role="partner_user", partner=world.northwind)
    completion(person, courses["sales"], date(2025, 4, 20), date(2026, 4, 20))
    completion(nameless, courses["cloud"], date(2025, 4, 21), date(2026, 4, 21))
    with in_tenant(world.acme):
        lapses = kind_of("certifications").lapses([world.northwind.pk], TODAY, date(2026, 5, 1), None)
    assert lapses == {world.northwind.pk: [(date(2026, 4, 20), "Certification “Sales” of Ann Lee expires"),
                                           (date(2026, 4, 21), "Certification “Cloud” of bo@northwind.example expires")]}
