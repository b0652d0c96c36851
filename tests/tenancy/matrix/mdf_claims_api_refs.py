"""MDF claim rows of the matrix's world for the API's entries, made on first use in a test (the world has
none): per partner an approved request (500 of its allocation) whose activity has ended, a submitted claim
of 200 against it with one PDF proof, and an approved claim of 100 paid 50 (one payment)."""

import uuid
from dataclasses import dataclass
from decimal import Decimal

from mdf import claims, services
from mdf.models import Claim, ClaimProof, ClaimStatus, FundRequest, Payment
from prm.tenancy.context import tenant_context
from tests.mdf.helpers import ended, pdf, request_fields

from .mdf_refs import AllocationOf

TITLE = "Matrix claimed event"
BOUNDARY = "matrix-claim-boundary"


def _claimed_request(w, attr) -> FundRequest:
    partner = getattr(w, attr)
    AllocationOf(attr)(w)
    with tenant_context(partner.tenant):
        request = FundRequest.objects.filter(partner=partner, title=TITLE).first()
        if request is None:
            request = services.fund_request_create(
                partner=partner, actor=None, key=f"matrix-claimed-{partner.pk}",
                **request_fields(partner.tenant, title=TITLE, total_cost=Decimal("1000"), requested_amount=Decimal("500")))
            request = ended(services.fund_request_approve(request=request, actor=None, key=f"matrix-claimed-ok-{partner.pk}"))
        return request


def _claim(w, attr, amount: str) -> Claim:
    request = _claimed_request(w, attr)
    with tenant_context(request.tenant):
        return Claim.objects.filter(fund_request=request, amount=Decimal(amount)).first() or claims.claim_submit(
            request=request, actor=None, key=f"matrix-claim-{request.pk}-{amount}", amount=Decimal(amount),
            proofs=[pdf("matrix-proof.pdf")])


def _paid_claim(w, attr) -> Claim:
    claim = _claim(w, attr, "100")
    if claim.status == ClaimStatus.SUBMITTED:
        with tenant_context(claim.tenant):
            claim = claims.claim_approve(claim=claim, actor=None, key=f"matrix-claim-ok-{claim.pk}")
            claims.payment_record(claim=claim, actor=None, key=f"matrix-pay-{claim.pk}", amount=Decimal("50"),
                                  reference="MATRIX-1")
            claim.refresh_from_db()
    return claim


@dataclass(frozen=True)
class ClaimedRequestOf:
    """The partner's approved request whose activity has ended (it may be claimed against or closed)."""

    attr: str  # the partner's attribute

    def __call__(self, w):
        return _claimed_request(w, self.attr)


@dataclass(frozen=True)
class FundClaimOf:
    """The partner's submitted claim of 200, waiting for a decision."""

    attr: str

    def __call__(self, w):
        return _claim(w, self.attr, "200")


@dataclass(frozen=True)
class ProofOf:
    """The proof file of the partner's submitted claim."""

    attr: str

    def __call__(self, w):
        claim = FundClaimOf(self.attr)(w)
        with tenant_context(claim.tenant):
            return ClaimProof.objects.filter(claim=claim).first()


@dataclass(frozen=True)
class PaymentOf:
    """The payment of 50 of the partner's approved claim of 100."""

    attr: str

    def __call__(self, w):
        claim = _paid_claim(w, self.attr)
        with tenant_context(claim.tenant):
            return Payment.objects.filter(claim=claim).first()


def payment_body(w):
    """What staff post to /api/v1/mdf-payments/: 10 more of Northwind's approved claim (50 is unpaid)."""
    return {"claim": _paid_claim(w, "northwind").pk, "amount": "10", "reference": "MATRIX-2"}


def claim_body(w):
    """What a partner user posts to /api/v1/fund-claims/, already encoded as multipart (the matrix sends
    writes with a JSON content type; `claim_headers` gives this body its own)."""
    request = _claimed_request(w, "northwind")
    parts = [("fund_request", str(request.pk).encode()), ("amount", b"10.00"), ("results", b"Matrix results")]
    lines = []
    for name, value in parts:
        lines += [f"--{BOUNDARY}".encode(), f'Content-Disposition: form-data; name="{name}"'.encode(), b"", value]
    proof = pdf("matrix-api-proof.pdf")
    lines += [f"--{BOUNDARY}".encode(), b'Content-Disposition: form-data; name="proof"; filename="matrix-api-proof.pdf"',
              b"Content-Type: application/pdf", b"", proof.read(), f"--{BOUNDARY}--".encode(), b""]
    return b"\r\n".join(lines)


def claim_headers():
    """A fresh Idempotency-Key, and the multipart content type of `claim_body`."""
    return {"HTTP_IDEMPOTENCY_KEY": uuid.uuid4().hex, "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}"}
