"""Claims, payments and closing a request: the writes after an activity. Money moves through
mdf/ledger.py as everywhere in this app (idempotency key, accounts locked by ascending pk, the
ceiling checked inside the lock, entries and cached balances in one transaction).

A request's account holds what was approved (funded); approving a claim moves that much into its
`claimed` bucket and, in the allocation, from `encumbered` to `claimed`; a payment moves it on to
`paid` in both. Closing the request releases what is left back to the allocation's available.

Ceilings: a claim ≤ what is left of the approved request less the claims waiting for a decision;
an approved claim ≤ what was claimed and ≤ what is left; a payment ≤ the approved claim's unpaid part."""

import hashlib
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from prm.audit.services import Actor, audit_record
from prm.tenancy.models import Membership, Role
from prm.uploads import check_file

from . import emails, ledger
from .audit_verbs import MdfVerb
from .ledger import Move
from .models import Bucket, Claim, ClaimProof, ClaimStatus, EntryKind, FundRequest, Payment, RequestStatus
from .selectors import mdf_settings_for
from .services import ZERO, _locked, _moved, _once, _positive, _shown, _today
from .signals import claim_submitted
from .states import CLAIM_TRANSITIONS

PROOF_TYPES = ("pdf", "png", "jpeg", "xlsx", "csv")
PROOF_MAX_BYTES = 10 * 1024 * 1024
PROOF_MAX_FILES = 10


def claim_due_on(request: FundRequest) -> date:
    """The last day a claim against `request` is accepted: its end plus the program's claim window."""
    return request.ends_on + timedelta(days=mdf_settings_for(request.tenant).claim_days)


def pending_claims(request: FundRequest) -> Decimal:
    """What the request's claims waiting for a decision ask for."""
    return (request.claims.filter(status=ClaimStatus.SUBMITTED).aggregate(total=Sum("amount"))["total"] or ZERO)


def check_proofs(uploads: Sequence[UploadedFile], field: str = "proof") -> list[str]:
    """Each file's kind, or a ValidationError on `field` naming the file to fix. Nothing is stored here."""
    if not uploads:
        raise ValidationError({field: _("Attach the proof of performance: invoices, photos or an attendee list.")})
    if len(uploads) > PROOF_MAX_FILES:
        raise ValidationError({field: _("Attach at most %(count)s files to one claim.") % {"count": PROOF_MAX_FILES}})
    kinds = []
    for upload in uploads:
        try:
            kinds.append(check_file(upload, allowed_types=PROOF_TYPES, max_bytes=PROOF_MAX_BYTES, field=field))
        except ValidationError as exc:
            messages = [f"{upload.name}: {message}" for message in exc.message_dict[field]]
            raise ValidationError({field: messages}) from None
    return kinds


def _user(actor: Actor):
    return actor if isinstance(actor, get_user_model()) else None


def _require_decider(actor: Actor) -> None:
    """Claims are decided and paid by channel managers and tenant admins (or the program's API key)."""
    if not isinstance(actor, get_user_model()):
        return
    membership = Membership.objects.filter(user=actor, is_active=True).first()
    if membership is None or membership.role not in (Role.CHANNEL_MANAGER, Role.TENANT_ADMIN):
        raise ValidationError(_("Only channel managers and tenant admins decide fund claims."))


def _locked_claim(claim: Claim, action: str) -> Claim:
    fresh = Claim.objects.select_for_update().select_related("fund_request").get(pk=claim.pk)
    sources, _target, refusal = CLAIM_TRANSITIONS[action]
    if fresh.status not in sources:
        raise ValidationError(str(refusal))
    return fresh


def _claim_moved(claim: Claim, action: str, actor: Actor, previous: str, data: dict | None = None,
                 fields: tuple = (), status: str | None = None) -> Claim:
    claim.status = status or CLAIM_TRANSITIONS[action][1]
    claim.save(update_fields=["status", "updated_at", *fields])
    audit_record(tenant=claim.tenant, actor=actor, verb=MdfVerb.of_claim_move(action), target=claim,
                 from_state=previous, to_state=claim.status, data=data)
    if action in ("approve", "reject"):
        emails.send_claim_decided(claim)
    return claim


def _accounts(request: FundRequest):
    """The allocation's and the request's accounts, locked (ascending pk) and read afresh."""
    return ledger.lock(ledger.account_for(request.allocation), ledger.account_for(request))


# Claims -----------------------------------------------------------------------------------------------

CLAIM_FIELDS = ("leads", "attendees", "results", "is_final")


@transaction.atomic
def claim_submit(*, request: FundRequest, actor: Actor, key: str, amount: Decimal, proofs: Sequence[UploadedFile],
                 **fields: Any) -> Claim:
    """The partner claims `amount` of the approved request back, with proof, after the activity and by
    its claim deadline. `is_final` says no other claim will follow: its approval closes the request."""
    unknown = set(fields) - set(CLAIM_FIELDS)
    if unknown:
        raise TypeError(f"Unknown claim fields: {sorted(unknown)}")
    amount = _positive(amount)
    kinds = check_proofs(proofs)

    def act(operation):
        locked = FundRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != RequestStatus.APPROVED:
            raise ValidationError(_("Only an approved request can be claimed against."))
        today, due = _today(locked.tenant), claim_due_on(locked)
        if today < locked.ends_on:
            raise ValidationError(_("Claim once the activity has ended, from %(date)s.") % {
                "date": date_format(locked.ends_on, "DATE_FORMAT")})
        if today > due:
            raise ValidationError(_("Claims for this activity were due by %(date)s.") % {
                "date": date_format(due, "DATE_FORMAT")})
        if locked.claims.filter(status=ClaimStatus.SUBMITTED, is_final=True).exists():
            raise ValidationError(_("The last claim for this request waits for a decision: no other claim may follow it."))
        _pool, own = _accounts(locked)
        room = own.available - pending_claims(locked)
        if amount > room:
            raise ValidationError({"amount": _("At most %(room)s: what is left of the approved %(approved)s, less the "
                                               "claims waiting for a decision.") % {
                "room": _shown(max(room, ZERO), locked.tenant), "approved": _shown(locked.approved_amount, locked.tenant)}})
        claim = Claim(tenant=locked.tenant, fund_request=locked, partner_id=locked.partner_id, amount=amount,
                      currency=locked.currency, created_by=_user(actor), **fields)
        claim.full_clean(exclude=["fund_request", "partner", "created_by", "decided_by"])
        claim.save()
        for upload, kind in zip(proofs, kinds, strict=True):
            ClaimProof.objects.create(tenant=claim.tenant, claim=claim, file=upload, name=upload.name[:200], kind=kind,
                                      size=upload.size or 0, uploaded_by=_user(actor))
        audit_record(tenant=claim.tenant, actor=actor, verb=MdfVerb.CLAIM_SUBMITTED, target=claim,
                     to_state=claim.status, data={"amount": str(amount), "request": locked.pk, "files": len(kinds)})
        emails.send_claim_submitted(claim)
        transaction.on_commit(lambda: claim_submitted.send(sender=Claim, claim=claim, on_time=True), robust=True)
        return claim

    return _once(tenant=request.tenant, key=key, name="claim.submit", subject=request, actor=actor, model=Claim,
                 act=act)


@transaction.atomic
def claim_approve(*, claim: Claim, actor: Actor, key: str, amount: Decimal | None = None, reason: str = "") -> Claim:
    """Approve the claim for `amount` (default: what was claimed; less needs a reason the partner reads).
    A final claim, or one that uses the request up, closes the request and releases what is left."""
    _require_decider(actor)
    reason = (reason or "").strip()

    def act(operation):
        locked = _locked_claim(claim, "approve")
        approved = _positive(amount if amount not in (None, "") else locked.amount)
        if approved > locked.amount:
            raise ValidationError({"amount": _("At most the %(claimed)s claimed.") % {
                "claimed": _shown(locked.amount, locked.tenant)}})
        if approved < locked.amount and not reason:
            raise ValidationError({"reason": _("Say why less than claimed is approved: the partner reads it.")})
        request = FundRequest.objects.select_for_update().get(pk=locked.fund_request_id)
        pool, own = _accounts(request)
        if approved > own.available:
            raise ValidationError({"amount": _("Only %(left)s of the approved request is left to claim.") % {
                "left": _shown(own.available, locked.tenant)}})
        ledger.post(operation=operation, actor=actor, source=ledger.label_of(locked),
                    moves=[Move(pool, EntryKind.CLAIM_APPROVED, Bucket.ENCUMBERED, -approved),
                           Move(pool, EntryKind.CLAIM_APPROVED, Bucket.CLAIMED, approved),
                           Move(own, EntryKind.CLAIM_APPROVED, Bucket.CLAIMED, approved)])
        locked.approved_amount, locked.reason = approved, reason
        locked.decided_by, locked.decided_at = _user(actor), timezone.now()
        _claim_moved(locked, "approve", actor, ClaimStatus.SUBMITTED, data={"amount": str(approved)},
                     fields=("approved_amount", "reason", "decided_by", "decided_at"))
        if _done(request, own):
            _close(request, operation.key, actor, _("The last claim was approved."))
        return locked

    return _once(tenant=claim.tenant, key=key, name="claim.approve", subject=claim, actor=actor, model=Claim, act=act)


def _done(request: FundRequest, own) -> bool:
    """No claim waits, and a final claim was approved or nothing is left: the request closes."""
    if request.claims.filter(status=ClaimStatus.SUBMITTED).exists():
        return False
    final = request.claims.filter(is_final=True, status__in=(ClaimStatus.APPROVED, ClaimStatus.PAID)).exists()
    return final or own.available == 0


def _claim_decided(claim: Claim, action: str, actor: Actor, key: str, reason: str, required: str) -> Claim:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": required})

    def act(operation):
        locked = _locked_claim(claim, action)
        locked.reason = reason
        fields = ("reason",)
        if action == "reject":
            locked.decided_by, locked.decided_at = _user(actor), timezone.now()
            fields += ("decided_by", "decided_at")
        _claim_moved(locked, action, actor, ClaimStatus.SUBMITTED, data={"reason": reason}, fields=fields)
        # A final claim approved while this one waited left the request open; with this one decided it closes.
        request = FundRequest.objects.select_for_update().get(pk=locked.fund_request_id)
        if request.status == RequestStatus.APPROVED and request.claims.filter(
                is_final=True, status__in=(ClaimStatus.APPROVED, ClaimStatus.PAID)).exists():
            _pool, own = _accounts(request)
            if _done(request, own):
                _close(request, operation.key, actor, _("The last claim was decided."))
        return locked

    return _once(tenant=claim.tenant, key=key, name=f"claim.{action}", subject=claim, actor=actor, model=Claim,
                 act=act)


@transaction.atomic
def claim_reject(*, claim: Claim, actor: Actor, key: str, reason: str) -> Claim:
    """Refuse the claim (the partner may claim again, with better proof, until the deadline)."""
    _require_decider(actor)
    return _claim_decided(claim, "reject", actor, key, reason, _("Say why: the partner reads it."))


@transaction.atomic
def claim_withdraw(*, claim: Claim, actor: Actor, key: str, reason: str = "") -> Claim:
    """The partner takes back a claim still waiting for a decision."""
    return _claim_decided(claim, "withdraw", actor, key, reason or _("Withdrawn by the partner."), "")


# Payments ---------------------------------------------------------------------------------------------

PAYMENT_FIELDS = ("paid_on", "method", "reference")


@transaction.atomic
def payment_record(*, claim: Claim, actor: Actor, key: str, amount: Decimal | None = None, **fields: Any) -> Payment:
    """Record money paid for an approved claim (default: all that is unpaid); never more than is unpaid."""
    _require_decider(actor)
    unknown = set(fields) - set(PAYMENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown payment fields: {sorted(unknown)}")

    def act(operation):
        locked = _locked_claim(claim, "pay")
        paid = _positive(amount if amount not in (None, "") else locked.unpaid)
        if paid > locked.unpaid:
            raise ValidationError({"amount": _("At most the %(unpaid)s of the approved claim not paid yet.") % {
                "unpaid": _shown(locked.unpaid, locked.tenant)}})
        paid_on = fields.get("paid_on") or _today(locked.tenant)
        if paid_on > _today(locked.tenant):
            raise ValidationError({"paid_on": _("Record a payment once it is made: the date cannot be in the future.")})
        payment = Payment(tenant=locked.tenant, claim=locked, partner_id=locked.partner_id, amount=paid,
                          currency=locked.currency, recorded_by=_user(actor), **{**fields, "paid_on": paid_on})
        payment.full_clean(exclude=["claim", "partner", "recorded_by"])
        pool, own = _accounts(locked.fund_request)
        ledger.post(operation=operation, actor=actor, source=ledger.label_of(locked),
                    moves=[Move(pool, EntryKind.PAID, Bucket.CLAIMED, -paid), Move(pool, EntryKind.PAID, Bucket.PAID, paid),
                           Move(own, EntryKind.PAID, Bucket.CLAIMED, -paid), Move(own, EntryKind.PAID, Bucket.PAID, paid)])
        payment.save()
        locked.paid_amount += paid
        status = ClaimStatus.PAID if locked.paid_amount == locked.approved_amount else ClaimStatus.APPROVED
        _claim_moved(locked, "pay", actor, ClaimStatus.APPROVED, status=status, fields=("paid_amount",),
                     data={"amount": str(paid), "payment": payment.pk, "method": payment.method})
        emails.send_payment_recorded(payment)
        return payment

    return _once(tenant=claim.tenant, key=key, name="claim.pay", subject=claim, actor=actor, model=Payment, act=act)


# Closing a request ------------------------------------------------------------------------------------

RELEASE_KEY_ROOM = 200 - len("/release")  # an Operation key holds 200 characters


def _release_key(key: str) -> str:
    """The key of the release a write with `key` causes: "<key>/release", a digest of a key too long for it."""
    if len(key) > RELEASE_KEY_ROOM:
        key = hashlib.sha256(key.encode()).hexdigest()
    return f"{key}/release"


def _close(request: FundRequest, key: str, actor: Actor, reason: str) -> Decimal:
    """Release what is left of `request` to its allocation and close it (call with the request locked).
    The release is an operation of its own, named after the write that caused it."""
    operation, replay = ledger.claim_key(tenant=request.tenant, key=_release_key(key), name="fund_request.release",
                                         subject=request, actor=actor)
    released = ZERO
    if not replay:
        pool, own = _accounts(request)
        released = own.available
        if released > 0:
            ledger.post(operation=operation, actor=actor, source=ledger.label_of(request), memo=reason,
                        moves=[Move(pool, EntryKind.RELEASED, Bucket.ENCUMBERED, -released),
                               Move(own, EntryKind.RELEASED, Bucket.FUNDED, -released)])
        ledger.finish(operation, request)
    request.reason = request.reason or reason
    _moved(request, "close", actor, RequestStatus.APPROVED, data={"released": str(released), "why": reason},
           fields=("reason",))
    return released


@transaction.atomic
def fund_request_close(*, request: FundRequest, actor: Actor, key: str, reason: str) -> FundRequest:
    """No more claims against `request`: what is left goes back to the partner's allocation. Refused while
    a claim waits for a decision. The claim-deadline sweep closes requests whose deadline has passed."""
    _require_decider(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the request closes: the partner reads it.")})

    def act(operation):
        locked = _locked(request, "close")
        if locked.claims.filter(status=ClaimStatus.SUBMITTED).exists():
            raise ValidationError(_("A claim against this request waits for a decision: decide it first."))
        _close(locked, operation.key, actor, reason)
        return locked

    return _once(tenant=request.tenant, key=key, name="fund_request.close", subject=request, actor=actor,
                 model=FundRequest, act=act)

