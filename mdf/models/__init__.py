"""Market development funds' models: the program's rules, budgets, allocations, fund requests and
the ledger (funds.py); claims, their proof and payments (claims.py); deals attributed to activities
(attribution.py)."""

from .attribution import ActivityDeal
from .claims import Claim, ClaimProof, ClaimStatus, Payment, PaymentMethod
from .funds import (
    MONEY,
    POSITIVE,
    Account,
    AccountKind,
    ActivityType,
    Allocation,
    ApprovalLimit,
    Bucket,
    Budget,
    EntryKind,
    FundRequest,
    LedgerEntry,
    MdfSettings,
    Operation,
    RequestStatus,
    Unspent,
)

__all__ = [
    "Account", "ActivityDeal", "AccountKind", "ActivityType", "Allocation", "ApprovalLimit", "Bucket", "Budget", "Claim",
    "ClaimProof", "ClaimStatus", "EntryKind", "FundRequest", "LedgerEntry", "MONEY", "MdfSettings",
    "Operation", "POSITIVE", "Payment", "PaymentMethod", "RequestStatus", "Unspent",
]
