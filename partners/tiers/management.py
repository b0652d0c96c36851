"""Every write of the tier ladder: tiers with their benefits, their order, their requirements, and the
program's tier settings. One audit row per change; a tier still in use cannot be deleted."""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from prm.audit.services import Actor, audit_record
from prm.tenancy.models import Tenant

from .audit_verbs import TierVerb
from .merging import DEFAULT_COLOUR
from .models import Tier, TierRequirement, TierSettings
from .requirements import kind_of

BENEFITS = ("discount_percent", "protection_days", "mdf_accrual_percent", "points_multiplier")
TIER_FIELDS = ("name", "rank", "colour", "description", *BENEFITS)
MAX_RANK = 999


def tier_settings_of(tenant: Tenant) -> TierSettings:
    """The tenant's settings row, or an unsaved one with the defaults."""
    return TierSettings.objects.filter(tenant=tenant).first() or TierSettings(tenant=tenant)


def _shown(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def _clean_tier(tier: Tier) -> None:
    tier.name = " ".join((tier.name or "").split())
    if not tier.name:
        raise ValidationError({"name": _("Name the tier: partners and managers read it.")})
    others = Tier.objects.exclude(pk=tier.pk)
    if others.filter(name__iexact=tier.name).exists():
        raise ValidationError({"name": _("The program has a tier of this name already: names that differ only "
                                         "in case are the same name.")})
    if not 1 <= tier.rank <= MAX_RANK:
        raise ValidationError({"rank": _("Give a rank from 1 to %(max)s.") % {"max": MAX_RANK}})
    if others.filter(rank=tier.rank).exists():
        raise ValidationError({"rank": _("Another tier has this rank: choose a free one, or move the tiers "
                                         "with the arrows on the ladder.")})
    tier.full_clean(exclude=["tenant"], validate_constraints=False)


def _clean_requirement(requirement: TierRequirement) -> None:
    kind = kind_of(requirement.kind)
    if kind is None:
        raise ValidationError({"kind": _("Choose one of the requirements listed.")})
    if not kind.uses_threshold:
        requirement.threshold = None
    elif requirement.threshold is None:
        raise ValidationError({"threshold": _("Say how much at least: “%(kind)s” needs a figure.") % {"kind": kind.label}})
    elif requirement.threshold < 0:
        raise ValidationError({"threshold": _("A figure of 0 or more.")})
    taken = TierRequirement.objects.filter(tier=requirement.tier, kind=requirement.kind).exclude(pk=requirement.pk)
    if taken.exists():
        raise ValidationError({"kind": _("This tier has this requirement already: change its figure instead.")})
    requirement.full_clean(exclude=["tenant", "tier"], validate_constraints=False)


def _specs(requirements: Iterable[dict]) -> list[dict]:
    """Requirements given as {kind, threshold} dicts, each kind once."""
    specs, seen = [], set()
    for spec in requirements:
        kind = spec.get("kind", "")
        if kind in seen:
            entry = kind_of(kind)
            raise ValidationError({"requirements": _("“%(kind)s” is listed twice: a tier has each requirement once.")
                                   % {"kind": entry.label if entry else kind}})
        seen.add(kind)
        specs.append({"kind": kind, "threshold": spec.get("threshold")})
    return specs


def _requirement_error(kind: str, exc: ValidationError) -> ValidationError:
    entry = kind_of(kind)
    label = entry.label if entry else kind
    return ValidationError({"requirements": [f"{label}: {message}" for message in exc.messages]})


@transaction.atomic
def tier_create(*, tenant: Tenant, actor: Actor, name: str, rank: int | None = None, colour: str = DEFAULT_COLOUR,
                description: str = "", discount_percent: Decimal = Decimal("0"), protection_days: int | None = None,
                mdf_accrual_percent: Decimal = Decimal("0"), points_multiplier: Decimal = Decimal("1"),
                requirements: Iterable[dict] = ()) -> Tier:
    """A new tier; without a rank it goes above the highest."""
    if rank is None:
        top = Tier.objects.aggregate(top=Max("rank"))["top"] or 0
        rank = top + 1
    tier = Tier(tenant=tenant, name=name, rank=rank, colour=colour or DEFAULT_COLOUR, description=description,
                discount_percent=discount_percent, protection_days=protection_days,
                mdf_accrual_percent=mdf_accrual_percent, points_multiplier=points_multiplier)
    _clean_tier(tier)
    specs = _specs(requirements)
    tier.save()
    audit_record(tenant=tenant, actor=actor, verb=TierVerb.CREATED, target=tier,
                 data={field: _shown(getattr(tier, field)) for field in TIER_FIELDS})
    for spec in specs:
        try:
            requirement_add(tier=tier, actor=actor, **spec)
        except ValidationError as exc:
            raise _requirement_error(spec["kind"], exc) from exc
    return tier


@transaction.atomic
def tier_update(*, tier: Tier, actor: Actor, requirements: Iterable[dict] | None = None, **fields: Any) -> Tier:
    """A tier's name, rank, colour, description and benefits (those given); with `requirements`, its
    requirements become exactly those listed (kept, changed, added, removed, each audited)."""
    unknown = set(fields) - set(TIER_FIELDS)
    if unknown:
        raise TypeError(f"Unknown tier fields: {', '.join(sorted(unknown))}")
    before = {name: getattr(tier, name) for name in fields}
    for name, value in fields.items():
        setattr(tier, name, value)
    if not tier.colour:
        tier.colour = DEFAULT_COLOUR
    _clean_tier(tier)
    specs = _specs(requirements) if requirements is not None else None
    tier.save()
    changed = {name: [_shown(before[name]), _shown(getattr(tier, name))]
               for name in fields if before[name] != getattr(tier, name)}
    if changed:
        audit_record(tenant=tier.tenant, actor=actor, verb=TierVerb.UPDATED, target=tier,
                     data={"name": tier.name, "changed": changed})
    if specs is not None:
        _replace_requirements(tier, actor, specs)
    return tier


def _replace_requirements(tier: Tier, actor: Actor, specs: list[dict]) -> None:
    current = {requirement.kind: requirement for requirement in TierRequirement.objects.filter(tier=tier)}
    wanted = {spec["kind"] for spec in specs}
    for kind, requirement in current.items():
        if kind not in wanted:
            requirement_remove(requirement=requirement, actor=actor)
    for spec in specs:
        try:
            if spec["kind"] in current:
                requirement_update(requirement=current[spec["kind"]], actor=actor, threshold=spec["threshold"])
            else:
                requirement_add(tier=tier, actor=actor, **spec)
        except ValidationError as exc:
            raise _requirement_error(spec["kind"], exc) from exc


def tier_uses(tier: Tier) -> list[tuple[str, int]]:
    """What still refers to the tier such that deleting it would fail or silently change something:
    rows that protect it (partners on it) and every many-to-many link (rules of engagement, courses,
    content), as (what, how many). Found through the model's relations, so tiers import no app that uses them."""
    uses = []
    for relation in Tier._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete or relation.related_model is TierRequirement:
            continue
        if relation.many_to_many:
            through = relation.through
            count = through._base_manager.filter(**{relation.field.m2m_reverse_field_name(): tier.pk}).count()
        elif relation.one_to_many and relation.on_delete in (models.PROTECT, models.RESTRICT):
            count = relation.related_model._base_manager.filter(**{relation.field.name: tier}).count()
        else:
            continue
        if count:
            uses.append((str(relation.related_model._meta.verbose_name_plural), count))
    return uses


@transaction.atomic
def tier_delete(*, tier: Tier, actor: Actor) -> None:
    """Delete a tier nothing uses any more (its requirements go with it; the audit trail keeps it)."""
    uses = tier_uses(tier)
    if uses:
        listed = ", ".join(f"{what} ({count})" for what, count in uses)
        raise ValidationError(_("“%(tier)s” is still in use: %(uses)s. Move the partners to another tier and take "
                                "it out of the rules and courses first.") % {"tier": tier.name, "uses": listed})
    audit_record(tenant=tier.tenant, actor=actor, verb=TierVerb.DELETED, target=tier,
                 data={"name": tier.name, "rank": tier.rank})
    tier.delete()


def _apply_order(actor: Actor, ordered: list[Tier]) -> None:
    """Give the tiers (locked, lowest first) the same set of ranks they hold, in this order."""
    ranks = sorted(tier.rank for tier in ordered)
    moves = [(tier, rank) for tier, rank in zip(ordered, ranks, strict=True) if tier.rank != rank]
    top = max(ranks, default=0)
    for offset, (tier, _rank) in enumerate(moves, start=1):  # out of the way first: ranks are unique
        Tier.objects.filter(pk=tier.pk).update(rank=top + offset)
    for tier, rank in moves:
        old = tier.rank
        Tier.objects.filter(pk=tier.pk).update(rank=rank)
        tier.rank = rank
        audit_record(tenant=tier.tenant, actor=actor, verb=TierVerb.MOVED, target=tier,
                     data={"name": tier.name, "rank": [old, rank]})


@transaction.atomic
def tiers_reorder(*, tenant: Tenant, actor: Actor, order: list[int]) -> list[Tier]:
    """Put the tiers in this order (ids, lowest tier first); they keep the set of ranks they had."""
    tiers = {tier.pk: tier for tier in Tier.objects.select_for_update().order_by("rank")}
    if sorted(order) != sorted(tiers):
        raise ValidationError({"order": _("List every tier of the program once, lowest first.")})
    ordered = [tiers[pk] for pk in order]
    _apply_order(actor, ordered)
    return ordered


@transaction.atomic
def tier_move(*, tier: Tier, actor: Actor, direction: str) -> Tier:
    """Swap the tier with the next higher ("up") or lower ("down") one."""
    if direction not in ("up", "down"):
        raise ValidationError({"direction": _("Move the tier up or down.")})
    tiers = list(Tier.objects.select_for_update().order_by("rank"))
    index = next(i for i, each in enumerate(tiers) if each.pk == tier.pk)
    other = index + 1 if direction == "up" else index - 1
    if not 0 <= other < len(tiers):
        raise ValidationError(_("This tier is already the highest.") if direction == "up"
                              else _("This tier is already the lowest."))
    tiers[index], tiers[other] = tiers[other], tiers[index]
    _apply_order(actor, tiers)
    tier.rank = tiers[other].rank
    return tier


@transaction.atomic
def requirement_add(*, tier: Tier, actor: Actor, kind: str, threshold: Decimal | None = None) -> TierRequirement:
    requirement = TierRequirement(tenant=tier.tenant, tier=tier, kind=kind, threshold=threshold)
    _clean_requirement(requirement)
    requirement.save()
    audit_record(tenant=tier.tenant, actor=actor, verb=TierVerb.REQUIREMENT_ADDED, target=tier,
                 data={"kind": kind, "threshold": _shown(requirement.threshold)})
    return requirement


@transaction.atomic
def requirement_update(*, requirement: TierRequirement, actor: Actor, threshold: Decimal | None) -> TierRequirement:
    """A requirement's figure (its kind stays); no row when nothing changed."""
    before = requirement.threshold
    requirement.threshold = threshold
    _clean_requirement(requirement)
    if requirement.threshold != before:
        requirement.save(update_fields=["threshold"])
        audit_record(tenant=requirement.tenant, actor=actor, verb=TierVerb.REQUIREMENT_EDITED, target=requirement.tier,
                     data={"kind": requirement.kind, "threshold": [_shown(before), _shown(requirement.threshold)]})
    return requirement


@transaction.atomic
def requirement_remove(*, requirement: TierRequirement, actor: Actor) -> None:
    audit_record(tenant=requirement.tenant, actor=actor, verb=TierVerb.REQUIREMENT_REMOVED, target=requirement.tier,
                 data={"kind": requirement.kind, "threshold": _shown(requirement.threshold)})
    requirement.delete()


@transaction.atomic
def tier_settings_update(*, tenant: Tenant, actor: Actor, upgrades: str, grace_days: int) -> TierSettings:
    settings = tier_settings_of(tenant)
    settings.upgrades, settings.grace_days = upgrades, grace_days
    settings.full_clean(exclude=["tenant"], validate_constraints=False)
    settings.save()
    audit_record(tenant=tenant, actor=actor, verb=TierVerb.SETTINGS_UPDATED, target=settings,
                 data={"upgrades": upgrades, "grace_days": grace_days})
    return settings
