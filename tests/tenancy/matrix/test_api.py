"""Every API operation, by session and by key, as every kind of visitor; refused writes change nothing."""

import pytest
from django.test import Client

from .api_table import API
from .pages import CM, PA, PARTNER, PU, TA
from .probe import assert_unchanged, send

MISSING_ID = 987654321


def _actors(w):
    return {TA: w.acme_admin, CM: w.acme_manager, PA: w.northwind_admin, PU: w.northwind_rep}


def _id(operation):
    return f"{operation[1]} {operation[0]}"


class Call:
    """One operation pointed at one object (ours unless told), its writes watched."""

    def __init__(self, operation, w, obj=None):
        self.path, self.method = operation
        self.op, self.w = API[operation], w
        self.obj = obj if obj is not None else (self.op.own(w) if self.op.own else None)
        self.url = self.path.replace("{id}", str(self.obj.pk if self.obj is not None else ""))

    def send(self, client, url=None, **extra):
        tenant_id = self.obj.tenant_id if self.obj is not None else self.w.acme.pk
        return send(client, self.method, url or self.url, data=self.op.body(self.w), json=self.method != "get",
                    watch=(tenant_id, self.obj, self.op.creates), **self.op.extra(), **extra)


@pytest.mark.parametrize("operation", sorted(API), ids=_id)
def test_api_operation_access(operation, matrix, client_as, anon_client):
    call = Call(operation, matrix)
    op = call.op
    anonymous = call.send(anon_client(matrix.acme))
    if op.public:
        assert anonymous.status in op.ok, f"anonymous: {anonymous.status} {anonymous.response.content[:200]}"
    else:
        assert anonymous.status in (401, 403)
        assert_unchanged(anonymous, "anonymous")
    for role, member in _actors(matrix).items():
        outcome = call.send(client_as(member))
        if role in op.allowed:
            assert outcome.status in op.ok, f"{role}: {outcome.status} {outcome.response.content[:200]}"
            if op.partner_sees_own_only and role in PARTNER:
                rows = outcome.response.json()["results"]
                assert rows and {r.get("partner", r["id"]) for r in rows} == {matrix.northwind.pk}
        else:
            assert outcome.status == 403, f"{role} must be refused, got {outcome.status}"
            assert_unchanged(outcome, role)
    key_auth = {"HTTP_AUTHORIZATION": f"Api-Key {matrix.acme_raw_key}"}
    assert call.send(anon_client(matrix.acme), **key_auth).status in (op.key_ok or op.ok)
    # Globex's key on Acme's host, and a Globex session carried over, are both refused.
    other_key = call.send(anon_client(matrix.acme), HTTP_AUTHORIZATION=f"Api-Key {matrix.globex_raw_key}")
    assert other_key.status == 401
    assert_unchanged(other_key, "Globex's key")
    carried = call.send(client_as(matrix.globex_admin, host="acme.localhost"))
    if op.public:  # no member of Acme: the visitor is anonymous there, and a public operation serves them
        assert carried.status in op.ok
    else:
        assert carried.status in (401, 403)
        assert_unchanged(carried, "a Globex session on Acme's host")


@pytest.mark.parametrize("operation", sorted(o for o, op in API.items() if op.other_tenant), ids=_id)
def test_api_foreign_ids_are_the_same_404_as_missing(operation, matrix, client_as, anon_client):
    op = API[operation]
    key = {"HTTP_AUTHORIZATION": f"Api-Key {matrix.acme_raw_key}"}
    callers = [(anon_client(matrix.acme), key, op.other_tenant)]
    if PU in op.allowed:  # partner users reach their own partner's rows only
        callers.append((client_as(matrix.northwind_rep), {}, op.other_tenant + op.other_partner))
    for client, extra, foreign in callers:
        path, method = operation
        missing = send(client, method, path.replace("{id}", str(MISSING_ID)), data=op.body(matrix), json=method != "get", **extra)
        assert missing.status == 404
        for ref in foreign:
            outcome = Call(operation, matrix, obj=ref(matrix)).send(client, **extra)
            assert outcome.status == 404
            assert outcome.response.content == missing.response.content
            assert_unchanged(outcome, ref.attr)


@pytest.mark.parametrize("operation", sorted(API), ids=_id)
def test_api_is_404_on_root_and_unknown_hosts(operation, matrix, settings):
    settings.ALLOWED_HOSTS = ["*"]
    call = Call(operation, matrix)
    for host in ("localhost", "nope.localhost"):
        outcome = call.send(Client(HTTP_HOST=host), HTTP_AUTHORIZATION=f"Api-Key {matrix.acme_raw_key}")
        assert outcome.status in (401, 404), f"{host}: {outcome.status}"
        assert b"Northwind" not in outcome.response.content
        assert_unchanged(outcome, host)
