"""Every write to a deal. Each state change goes through `_move`, which refuses illegal edges with a
clear message, takes the row with a conditional update (so two clicks cannot both win), and writes
an audit row naming the person or the rule that decided."""

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _, ngettext

from partners.models import Partner
from partners.tiers.models import Tier
from prm.accounts.models import User
from prm.audit.services import Actor, audit_record
from prm.business_hours import add_business_hours
from prm.i18n.formatting import money_whole
from prm.tenancy.models import Tenant

from . import deal_fields, matching, notifications, snapshots
from .approval import approval_refusal
from .audit_verbs import DealregVerb
from .conflicts import Conflict, find_conflicts, key_of
from .models import Deal, DealStatus, ProductLine, RulesOfEngagement
from .rules import protection_days, rules_for
from .signals import deal_submitted
from .states import TRANSITIONS, illegal_message, not_editable_message

# Transitions after which the deals waiting in the queue may collide differently with this one.
LEAVES_OR_HOLDS = {"approve", "reject", "withdraw", "win", "lose", "expire"}

EDITABLE_FIELDS = (
    "customer_name", "customer_website", "customer_country", "contact_name", "contact_email",
    "value", "currency", "expected_close_date", "notes",
)


def _user_or_none(actor: Actor) -> User | None:
    return actor if isinstance(actor, get_user_model()) else None


def _in_program_language(tenant: Tenant) -> translation.override:
    """For what is stored as it reads (the rule that decided a deal): the program's language."""
    return translation.override(tenant.default_language or settings.LANGUAGE_CODE)


def _apply_fields(deal: Deal, fields: dict[str, Any], products: list[ProductLine] | None) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown deal fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(deal, name, value)
    deal.currency = (deal.currency or deal.tenant.currency).upper()
    deal.customer_name_normalized = matching.normalize_company_name(deal.customer_name)
    deal.customer_domain = matching.normalize_domain(deal.customer_website)
    deal.contact_email_domain = matching.email_domain(deal.contact_email)
    deal.full_clean(exclude=["products"])
    deal.save()
    if products is not None:
        foreign = [p for p in products if p.tenant_id != deal.tenant_id]
        if foreign:
            raise PermissionDenied(_("Unknown product line."))
        deal.products.set(products)


def _move(deal: Deal, action: str, actor: Actor, *, note: str = "", rule: str = "", extra: dict[str, Any] | None = None,
          data: dict[str, Any] | None = None) -> Deal:
    """Move `deal` along one edge of the lifecycle, or refuse with the reason."""
    sources, target, _ = TRANSITIONS[action]
    now = timezone.now()
    changes = {"status": target, "updated_at": now, **(extra or {})}
    moved = Deal.objects.filter(pk=deal.pk, status__in=sources).update(**changes)
    if not moved:
        current = Deal.objects.filter(pk=deal.pk).values_list("status", flat=True).first() or deal.status
        raise ValidationError(illegal_message(action, current))
    previous = deal.status
    for name, value in changes.items():
        setattr(deal, name, value)
    audit_record(tenant=deal.tenant, actor=actor if rule == "" else rule, verb=DealregVerb.of_move(action), target=deal,
                 from_state=previous, to_state=target, data={"note": note, **(data or {})} if note or data else None)
    if action in LEAVES_OR_HOLDS:
        snapshots.refresh_neighbours_after(deal)
    return deal


@transaction.atomic
def deal_create(*, partner: Partner, actor: Actor, products: Iterable[ProductLine] = (), submit: bool = False,
                extra: Mapping[str, Any] | None = None, **fields: Any) -> Deal:
    """A draft registration for `partner`. Nothing is checked against other deals until submit.
    With `submit`, it is submitted too, all or nothing: a refused submit leaves no draft behind.
    `extra` holds the answers to the questions other apps add to the form (deal_fields), saved by them."""
    if not partner.is_active:
        raise ValidationError(_("This partner is deactivated and cannot register deals."))
    deal = Deal(tenant=partner.tenant, partner=partner, registered_by=_user_or_none(actor))
    _apply_fields(deal, fields, list(products))
    audit_record(tenant=deal.tenant, actor=actor, verb=DealregVerb.DEAL_CREATED, target=deal, to_state=DealStatus.DRAFT)
    deal_fields.save_all(deal=deal, values=extra or {}, actor=actor)
    return deal_submit(deal=deal, actor=actor) if submit else deal


@transaction.atomic
def deal_update(*, deal: Deal, actor: Actor, products: Iterable[ProductLine] | None = None, submit: bool = False,
                answer: str | None = None, extra: Mapping[str, Any] | None = None, **fields: Any) -> Deal:
    """Edit a deal that is still editable; with `submit`, submit it too, all or nothing (`extra`: as
    deal_create's).

    `answer` is the partner's answer to the vendor's question (only a deal sent back for more
    information takes one); it is kept with the deal and goes to the vendor when the deal is submitted."""
    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    if not deal.is_editable:
        raise ValidationError(not_editable_message(deal.status))
    changed = sorted(fields)
    if answer is not None and answer.strip() != deal.info_answer:
        if deal.status != DealStatus.MORE_INFO:
            raise ValidationError({"info_answer": _("Only a deal sent back for more information takes an answer.")})
        deal.info_answer = answer.strip()
        changed = sorted([*changed, "info_answer"])
    _apply_fields(deal, fields, None if products is None else list(products))
    audit_record(tenant=deal.tenant, actor=actor, verb=DealregVerb.DEAL_UPDATED, target=deal,
                 from_state=deal.status, to_state=deal.status, data={"fields": changed})
    deal_fields.save_all(deal=deal, values=extra or {}, actor=actor)
    return deal_submit(deal=deal, actor=actor) if submit else deal


@transaction.atomic
def deal_submit(*, deal: Deal, actor: Actor) -> Deal:
    """Submit for approval: minimum value, approval clock, then automatic approval if the rules allow.

    A deal sent back for more information goes back with the partner's answer (required): the
    answer is recorded in the timeline, and the channel managers hear that more information came."""
    answering = deal.status == DealStatus.MORE_INFO
    if answering and not deal.info_answer.strip():
        raise ValidationError({"info_answer": _("Answer the question from %(program)s before you submit the deal again.")
                               % {"program": deal.tenant.name}})
    rules = rules_for(deal.tenant)
    if deal.currency == deal.tenant.currency and deal.value < rules.minimum_value:
        raise ValidationError({"value": _("Deals under %(minimum)s are not registered in this program.") % {
            "minimum": money_whole(rules.minimum_value, deal.tenant.currency)}})
    if answering:
        audit_record(tenant=deal.tenant, actor=actor, verb=DealregVerb.DEAL_INFO_PROVIDED, target=deal,
                     from_state=deal.status, to_state=deal.status,
                     data={"question": deal.info_question, "answer": deal.info_answer})
    now = timezone.now()
    due = add_business_hours(now, rules.approval_sla_hours, deal.tenant.time_zone)
    _move(deal, "submit", actor, extra={
        "submitted_at": deal.submitted_at or now, "sla_due_at": due, "reminded_at": None, "escalated_at": None,
    })
    transaction.on_commit(lambda: deal_submitted.send(sender=Deal, deal=deal), robust=True)
    conflicts = find_conflicts(key_of(deal), exclude_deal_id=deal.pk)
    snapshots.store(deal, conflicts)
    snapshots.refresh_later([c.deal.pk for c in conflicts if c.deal.status == DealStatus.SUBMITTED], deal.tenant_id)
    auto_rule = _auto_approval_rule(deal, rules, conflicts)
    if auto_rule:
        try:
            return deal_approve(deal=deal, actor=None, rule=auto_rule)  # its own savepoint
        except ValidationError:
            # A concurrent approval took this customer first (first approved wins): the vendor
            # reviews this one, and the partner is not told who holds the customer.
            pass
    if answering:
        notifications.deal_info_provided(deal)
    else:
        notifications.deal_submitted(deal)
    return deal


def _auto_approval_rule(deal: Deal, rules: RulesOfEngagement, conflicts: list[Conflict]) -> str:
    """The rule's name if this deal qualifies for automatic approval, else ''."""
    if not rules.auto_approve or deal.partner.tier_id is None:
        return ""
    if not rules.auto_approve_tiers.filter(pk=deal.partner.tier_id).exists():
        return ""
    if deal.currency != deal.tenant.currency:
        return ""
    if rules.auto_approve_max_value is not None and deal.value > rules.auto_approve_max_value:
        return ""
    if conflicts:
        return ""
    with _in_program_language(deal.tenant):
        if rules.auto_approve_max_value is None:
            return _("Automatic approval: no conflicts, %(tier)s tier") % {"tier": deal.partner.tier.name}
        return _("Automatic approval: no conflicts, %(tier)s tier up to %(maximum)s") % {
            "tier": deal.partner.tier.name, "maximum": money_whole(rules.auto_approve_max_value, deal.tenant.currency)}


@transaction.atomic
def deal_approve(*, deal: Deal, actor: Actor, rule: str = "") -> Deal:
    """Approve and protect. Under first-approved-wins, a customer already protected is refused.

    The rules row is locked for the whole decision, so two approvals of the same customer are
    decided one after the other and the second sees the first.
    """
    rules = rules_for(deal.tenant, for_update=True)
    deal = Deal.objects.select_related("partner__tier", "tenant").get(pk=deal.pk)
    refused = approval_refusal(deal, rules)
    if refused:
        raise ValidationError(refused)
    now = timezone.now()
    _move(deal, "approve", actor, rule=rule, extra={
        "decided_at": now, "decided_by": _user_or_none(actor), "decided_by_rule": rule,
        "decision_note": "", "protected_until": now + timedelta(days=protection_days(deal.partner, rules)),
    })
    notifications.deal_decided(deal)
    return deal


@transaction.atomic
def deal_reject(*, deal: Deal, actor: Actor, reason: str) -> Deal:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Tell the partner why: they will see this reason.")})
    _move(deal, "reject", actor, note=reason, extra={
        "decided_at": timezone.now(), "decided_by": _user_or_none(actor), "decided_by_rule": "", "decision_note": reason.strip(),
    })
    notifications.deal_decided(deal)
    return deal


@transaction.atomic
def deal_request_info(*, deal: Deal, actor: Actor, question: str) -> Deal:
    if not (question or "").strip():
        raise ValidationError({"question": _("Say what information the partner should add.")})
    # decision_note keeps the question too, as the API has always shown it.
    _move(deal, "request_info", actor, note=question, extra={
        "decision_note": question.strip(), "info_question": question.strip(), "info_answer": "",
    })
    notifications.deal_decided(deal)
    return deal


@transaction.atomic
def deal_withdraw(*, deal: Deal, actor: Actor) -> Deal:
    return _move(deal, "withdraw", actor)


@transaction.atomic
def deal_mark_won(*, deal: Deal, actor: Actor) -> Deal:
    return _move(deal, "win", actor, extra={"closed_at": timezone.now()})


@transaction.atomic
def deal_mark_lost(*, deal: Deal, actor: Actor) -> Deal:
    return _move(deal, "lose", actor, extra={"closed_at": timezone.now()})


@transaction.atomic
def deal_extend_protection(*, deal: Deal, actor: Actor) -> Deal:
    """Add the tenant's extension period, up to its maximum number of extensions."""
    rules = rules_for(deal.tenant)
    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    if deal.status != DealStatus.APPROVED:
        raise ValidationError(_("Only an approved deal's protection can be extended."))
    if deal.extensions_used >= rules.max_extensions:
        raise ValidationError(ngettext(
            "This deal has used the %(count)d extension the program allows.",
            "This deal has used all %(count)d extensions the program allows.", rules.max_extensions,
        ) % {"count": rules.max_extensions})
    before = deal.protected_until
    deal.protected_until = max(before, timezone.now()) + timedelta(days=rules.extension_days)
    deal.extensions_used += 1
    deal.expiry_warned_at = None
    deal.save(update_fields=["protected_until", "extensions_used", "expiry_warned_at", "updated_at"])
    audit_record(tenant=deal.tenant, actor=actor, verb=DealregVerb.DEAL_EXTENDED, target=deal,
                 from_state=deal.status, to_state=deal.status,
                 data={"from": before.isoformat(), "to": deal.protected_until.isoformat(), "extension": deal.extensions_used})
    return deal


@transaction.atomic
def deal_expire(*, deal: Deal, now: datetime | None = None) -> Deal:
    """Protection ran out (nightly task; `now` is the moment the sweep runs for)."""
    if deal.protected_until is None or deal.protected_until > (now or timezone.now()):
        raise ValidationError(_("This deal is still protected."))
    with _in_program_language(deal.tenant):
        rule = _("Protection period ended")
    _move(deal, "expire", None, rule=rule)
    notifications.deal_expired(deal)
    return deal


def deals_bulk_approve(*, deals: Iterable[Deal], actor: Actor) -> tuple[list[Deal], list[tuple[Deal, str]]]:
    """Approve every deal without conflicts; returns (approved, skipped) with a reason per skip."""
    approved, skipped = [], []
    for deal in deals:
        if find_conflicts(key_of(deal), exclude_deal_id=deal.pk):
            skipped.append((deal, _("has possible conflicts: review it on its own")))
            continue
        try:
            approved.append(deal_approve(deal=deal, actor=actor))
        except ValidationError as exc:
            skipped.append((deal, " ".join(exc.messages)))
    return approved, skipped


@transaction.atomic
def rules_update(*, rules: RulesOfEngagement, actor: Actor, auto_approve_tiers: Iterable[Tier] | None = None,
                 **fields: Any) -> RulesOfEngagement:
    before = {name: getattr(rules, name) for name in fields}
    for name, value in fields.items():
        setattr(rules, name, value)
    rules.full_clean()
    rules.save()
    changed = {k: [str(before[k]), str(v)] for k, v in fields.items() if before[k] != v}
    if auto_approve_tiers is not None:
        old = sorted(tier.name for tier in rules.auto_approve_tiers.all())
        rules.auto_approve_tiers.set(auto_approve_tiers)
        new = sorted(tier.name for tier in auto_approve_tiers)
        if old != new:
            changed["auto_approve_tiers"] = [", ".join(old), ", ".join(new)]
    if changed:
        audit_record(tenant=rules.tenant, actor=actor, verb=DealregVerb.RULES_UPDATED, target=rules, data={"changed": changed})
    return rules


@transaction.atomic
def product_line_create(*, tenant: Tenant, actor: Actor, name: str) -> ProductLine:
    name = name.strip()
    if ProductLine.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("This product line already exists.")})
    product_line = ProductLine.objects.create(tenant=tenant, name=name)
    audit_record(tenant=tenant, actor=actor, verb=DealregVerb.PRODUCT_LINE_CREATED, target=product_line)
    return product_line


@transaction.atomic
def product_line_toggle(*, product_line: ProductLine, actor: Actor) -> ProductLine:
    """Retire a product line from new registrations (deals keep it), or bring it back."""
    product_line.is_active = not product_line.is_active
    product_line.save(update_fields=["is_active"])
    audit_record(tenant=product_line.tenant, actor=actor, verb=DealregVerb.PRODUCT_LINE_TOGGLED, target=product_line,
                 to_state="active" if product_line.is_active else "retired")
    return product_line
