"""MDF claim rows of the matrix's world, made on first use in a test (the world has none): per partner an
approved request whose activity has ended, a claim of 300 waiting for a decision against it, and the
claim's proof (a PNG, so that the dashboard's inline image view has something to show)."""

import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mdf import claims, services
from mdf.models import Claim, ClaimProof, FundRequest
from prm.tenancy.context import tenant_context
from tests.mdf.helpers import ended, request_fields

from .mdf_refs import AllocationOf

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _png():
    return SimpleUploadedFile("matrix-proof.png", PNG, content_type="image/png")


def _claimable(w, attr) -> FundRequest:
    AllocationOf(attr)(w)
    partner = getattr(w, attr)
    with tenant_context(partner.tenant):
        found = FundRequest.objects.filter(partner=partner, title="Matrix claimed event").first()
        if found is not None:
            return found
        request = services.fund_request_create(partner=partner, actor=None, key=f"matrix-claimable-{partner.pk}",
                                               **request_fields(partner.tenant, title="Matrix claimed event"))
        request = services.fund_request_approve(request=request, actor=None, key=f"matrix-claimable-ok-{partner.pk}")
        return ended(request)


@dataclass(frozen=True)
class ClaimableOf:
    """The partner's approved request for 1,000, its activity ended yesterday: claims may go against it."""

    attr: str

    def __call__(self, w):
        return _claimable(w, self.attr)


@dataclass(frozen=True)
class FundClaimOf:
    """A claim of 300 against the partner's claimable request, waiting for a decision, with one PNG proof."""

    attr: str

    def __call__(self, w):
        partner = getattr(w, self.attr)
        request = _claimable(w, self.attr)
        with tenant_context(partner.tenant):
            return Claim.objects.filter(fund_request=request).first() or claims.claim_submit(
                request=request, actor=None, key=f"matrix-claim-{partner.pk}", amount=Decimal("300"), proofs=[_png()],
                leads=3, attendees=12)


@dataclass(frozen=True)
class ProofOf:
    """The proof file of the partner's claim."""

    attr: str

    def __call__(self, w):
        claim = FundClaimOf(self.attr)(w)
        with tenant_context(claim.tenant):
            return ClaimProof.objects.filter(claim=claim).first()


def claim_form_data(w, obj=None):
    """The portal's claim form: 100 of what is left, with one proof file."""
    return {"idempotency_key": uuid.uuid4().hex, "amount": "100", "leads": "2", "attendees": "10", "results": "",
            "proof": _png()}


def payment_form_data(w, obj=None):
    return {"idempotency_key": uuid.uuid4().hex, "amount": "", "paid_on": str(timezone.localdate()),
            "method": "transfer", "reference": "MATRIX-1"}


def claim_approved(w, claim):
    """The claim approved in full, so a payment can be recorded for it."""
    with tenant_context(claim.tenant):
        claims.claim_approve(claim=Claim.objects.get(pk=claim.pk), actor=None, key=uuid.uuid4().hex)
