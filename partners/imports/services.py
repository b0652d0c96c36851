"""Partner imports: upload (read and check into a preview), confirm (queue the task), run (write
everything in one transaction, or nothing)."""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.audit_verbs import PartnerVerb
from partners.domains import domain_from_website
from partners.models import Partner, PartnerStatus
from partners.tiers.merging import key_of
from partners.tiers.models import Tier
from prm.accounts.models import User
from prm.audit.services import Actor, audit_build, audit_record, audit_store
from prm.bulk_insert import insert_objects, unsaved
from prm.enqueue import enqueue_on_commit
from prm.invitations.services import invitations_create_many
from prm.tenancy.models import Membership, Tenant

from . import progress
from .audit_verbs import PartnerImportVerb
from .checking import UPDATABLE, Existing, Group, Plan, check
from .columns import FIELDS
from .models import ImportStatus, PartnerImport
from .reading import read_upload

CHUNK = 2000  # rows per statement batch, and per progress step


def existing_now() -> Existing:
    """The program's partners and members, as the check compares them (the tenant in force)."""
    fields = [name for name in UPDATABLE if name != "tier"]
    partners = {row["pk"]: {**row, "tier": row.pop("tier__name") or ""}
                for row in Partner.objects.values("pk", "name", "status", "domain", "tier__name", *fields)}
    members = {email.lower(): partner_id for email, partner_id in
               Membership.objects.filter(is_active=True).values_list("user__email", "partner_id")}
    return Existing(partners=partners, members=members, tiers={key_of(tier.name): tier.name for tier in Tier.objects.all()})


def _tier_ids() -> dict[str, int]:
    return dict(Tier.objects.values_list("name", "pk"))


def _problems(plan: Plan, columns: dict[str, str]) -> list[dict]:
    return [{"line": line, "column": columns.get(name, name), "message": message}
            for line, name, message in plan.problems]


def _bad_rows(plan: Plan, headers: list[str], values_of: Callable[[int], list]) -> dict:
    messages: dict[int, list[str]] = {}
    for line, _name, message in plan.problems:
        messages.setdefault(line, []).append(message)
    return {"columns": headers, "rows": [{"line": line, "values": values_of(line), "problems": found}
                                         for line, found in sorted(messages.items())]}


@transaction.atomic
def import_upload(*, tenant: Tenant, actor: Actor, upload: UploadedFile) -> PartnerImport:
    """Read and check the file; the import keeps its rows, the preview's counts and every problem."""
    frame, columns, records = read_upload(upload)
    plan = check(records, existing_now())
    headers = [str(column) for column in frame.columns]
    bad = _bad_rows(plan, headers, lambda line: frame.loc[line].tolist()) if plan.problems else {}
    return PartnerImport.objects.create(
        tenant=tenant, filename=upload.name[:255], columns=columns, rows=records, summary=plan.summary(len(records)),
        problems=_problems(plan, columns), bad_rows=bad,
        status=ImportStatus.PROBLEMS if plan.problems else ImportStatus.CHECKED,
        created_by=actor if isinstance(actor, get_user_model()) else None)


@transaction.atomic
def import_confirm(*, partner_import: PartnerImport, actor_membership: Membership, invite_users: bool) -> PartnerImport:
    """Queue the import: it runs as a task, all-or-nothing. A file with problems cannot be confirmed."""
    claimed = PartnerImport.objects.filter(pk=partner_import.pk, status=ImportStatus.CHECKED).update(
        status=ImportStatus.QUEUED, invite_users=invite_users, confirmed_by=actor_membership,
        confirmed_at=timezone.now())
    if not claimed:
        raise ValidationError(_("This import cannot be confirmed: it has problems, or it was confirmed already."))
    partner_import.refresh_from_db()
    audit_record(tenant=partner_import.tenant, actor=actor_membership.user, verb=PartnerImportVerb.CONFIRMED,
                 target=partner_import, from_state=ImportStatus.CHECKED, to_state=ImportStatus.QUEUED,
                 data={"file": partner_import.filename, "invite_users": invite_users})
    progress.start(partner_import)
    enqueue_on_commit("partners.imports.tasks.run_partner_import", import_id=partner_import.pk,
                      tenant_id=partner_import.tenant_id)
    return partner_import


def import_run(*, import_id: int) -> PartnerImport | None:
    """Write a queued import (the task's body, the tenant in force). Once only: the first run claims it.
    A row that fails now (a name taken, an email that became a member since the preview) fails the
    whole import and nothing is written; the import then lists the problems."""
    if not PartnerImport.objects.filter(pk=import_id, status=ImportStatus.QUEUED).update(status=ImportStatus.RUNNING):
        return None
    partner_import = PartnerImport.objects.select_related("confirmed_by__user").get(pk=import_id)
    try:
        return _write(partner_import)
    except ValidationError as exc:
        return _fail(partner_import, getattr(exc, "plan", None), exc.messages)
    except IntegrityError:
        return _fail(partner_import, None, [_("Another change to the partners came in while importing; upload the "
                                              "file again.")])
    except Exception:
        _fail(partner_import, None, [_("The import stopped on an error: nothing was imported. Try again later.")])
        raise
    finally:
        progress.finish(partner_import)


@transaction.atomic
def _write(partner_import: PartnerImport) -> PartnerImport:
    plan = check(partner_import.rows, existing_now())
    if plan.problems:
        error = ValidationError(_("Rows went bad after the preview: nothing was imported."))
        error.plan = plan
        raise error
    membership = partner_import.confirmed_by
    actor = membership.user
    tenant = partner_import.tenant
    invitees = [user for user in plan.users if not user.member] if partner_import.invite_users else []
    progress.total(partner_import, len(plan.groups) + len(invitees))
    data = {"import": partner_import.pk}
    tier_ids = _tier_ids()
    partner_ids = _create_partners(partner_import, plan, actor, data, tier_ids)
    _update_partners(partner_import, plan, actor, data, tier_ids)
    for start in range(0, len(invitees), CHUNK):
        chunk = invitees[start:start + CHUNK]
        invitations_create_many(tenant=tenant, actor_membership=membership,
                                invitees=[(user.email, user.role, partner_ids[user.group]) for user in chunk])
        progress.advance(partner_import, len(chunk))
    summary = {**plan.summary(len(partner_import.rows)), "invited": len(invitees)}
    PartnerImport.objects.filter(pk=partner_import.pk).update(
        status=ImportStatus.DONE, summary=summary, rows=[], finished_at=timezone.now())
    audit_record(tenant=tenant, actor=actor, verb=PartnerImportVerb.COMPLETED, target=partner_import,
                 from_state=ImportStatus.RUNNING, to_state=ImportStatus.DONE, data=summary)
    partner_import.refresh_from_db()
    return partner_import


def _create_partners(partner_import: PartnerImport, plan: Plan, actor: User, data: dict,
                     tier_ids: dict[str, int]) -> dict[int, int]:
    """The new partners, in batches; returns group index -> partner pk for every group."""
    ids = {index: group.existing for index, group in enumerate(plan.groups) if group.existing is not None}
    new = [index for index, group in enumerate(plan.groups) if group.existing is None]
    for start in range(0, len(new), CHUNK):
        chunk = new[start:start + CHUNK]
        partners = insert_objects(Partner.objects, [_partner(partner_import.tenant, plan.groups[index], actor, tier_ids)
                                                    for index in chunk])
        ids.update({index: partner.pk for index, partner in zip(chunk, partners, strict=True)})
        audit_store([audit_build(tenant=partner_import.tenant, actor=actor, verb=PartnerVerb.CREATED, target=partner,
                                 to_state=partner.status, data=data) for partner in partners])
        progress.advance(partner_import, len(chunk))
    return ids


def _partner(tenant: Tenant, group: Group, actor: User, tier_ids: dict[str, int]) -> Partner:
    values = group.values
    name, email = group.contact or ("", "")
    return unsaved(Partner, tenant=tenant, name=values["partner"], status=PartnerStatus.ACTIVE, website=values["website"],
                   domain=values["domain"], country=values["country"], business_type=values["business_type"],
                   street=values["street"],
                   postcode=values["postcode"], city=values["city"], tier_id=tier_ids.get(values["tier"]),
                   description=values["description"], primary_contact_name=name, primary_contact_email=email,
                   created_by=actor)


def _update_partners(partner_import: PartnerImport, plan: Plan, actor: User, data: dict,
                     tier_ids: dict[str, int]) -> None:
    """The file's cells replace an existing partner's values (its name stays); one audit row each."""
    pks = list(plan.changes)
    unchanged = len(plan.groups) - sum(1 for group in plan.groups if group.existing is None) - len(pks)
    progress.advance(partner_import, unchanged)
    now = timezone.now()
    for start in range(0, len(pks), CHUNK):
        chunk = pks[start:start + CHUNK]
        partners = Partner.objects.select_for_update().in_bulk(chunk)
        for pk in chunk:
            # One UPDATE of the changed columns each: bulk_update's CASE per column and row costs
            # ~5 ms a partner to compile (bench/partner_import.py).
            changed = {name: new for name, (_old, new) in plan.changes[pk].items()}
            if "tier" in changed:
                changed["tier"] = tier_ids[changed["tier"]]
            website = changed.get("website", partners[pk].website)
            Partner.objects.filter(pk=pk).update(**changed, domain=domain_from_website(website), updated_at=now)
        audit_store([audit_build(tenant=partner_import.tenant, actor=actor, verb=PartnerVerb.UPDATED, target=partners[pk],
                                 from_state=partners[pk].status, to_state=partners[pk].status,
                                 data={**data, "changed": plan.changes[pk]}) for pk in chunk])
        progress.advance(partner_import, len(chunk))


def _fail(partner_import: PartnerImport, plan: Plan | None, messages: list[str]) -> PartnerImport:
    """Record why the import stopped; nothing of it was written."""
    columns = partner_import.columns
    problems = _problems(plan, columns) if plan is not None else [{"line": "", "column": "", "message": m}
                                                                    for m in messages]
    bad = {}
    if plan is not None:
        rows = {record[0]: record for record in partner_import.rows}
        fields = [name for name in FIELDS if name in columns]
        positions = [FIELDS.index(name) + 1 for name in fields]
        bad = _bad_rows(plan, [columns[name] for name in fields],
                        lambda line: [rows[line][position] for position in positions])
    with transaction.atomic():
        PartnerImport.objects.filter(pk=partner_import.pk).update(
            status=ImportStatus.FAILED, problems=problems, bad_rows=bad, finished_at=timezone.now())
        audit_record(tenant=partner_import.tenant, actor=partner_import.confirmed_by.user,
                     verb=PartnerImportVerb.FAILED, target=partner_import, from_state=ImportStatus.RUNNING,
                     to_state=ImportStatus.FAILED, data={"problems": len(problems)})
    partner_import.refresh_from_db()
    return partner_import
