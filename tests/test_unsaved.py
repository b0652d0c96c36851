"""prm.bulk_insert.unsaved builds the instance the model's constructor builds: every field's value,
defaults included, related objects cached, unknown names refused."""

from datetime import timedelta

import pytest
from django.utils import timezone

from partners.models import Partner
from prm.audit.models import AuditEvent
from prm.bulk_insert import unsaved
from prm.invitations.models import Invitation
from prm.outbox.models import OutboundEmail


def _values(obj):
    return {field.attname: getattr(obj, field.attname) for field in type(obj)._meta.concrete_fields}


@pytest.mark.parametrize("make", [
    lambda w: (AuditEvent, {"tenant": w.acme, "actor": w.acme_manager.user, "verb": "partner.created",
                            "target_type": "partners.partner", "target_id": "7", "data": {"a": 1}}),
    lambda w: (OutboundEmail, {"tenant": None, "kind": "x", "to": ["a@example.com"], "subject": "Hi",
                               "body_text": "text", "sensitive": True}),
    lambda w: (Invitation, {"tenant": w.acme, "email": "new@example.com", "role": "partner_user",
                            "partner": w.northwind, "token_hash": "ab", "invited_by": w.acme_admin.user,
                            "expires_at": timezone.now() + timedelta(days=7)}),
    lambda w: (Partner, {"tenant": w.acme, "name": "Fabrikam", "tier_id": w.northwind.tier_id, "country": "DE"}),
])
def test_unsaved_is_the_constructors_instance(world, make):
    model, values = make(world)
    fast, plain = unsaved(model, **values), model(**values)
    assert _values(fast) == _values(plain)
    assert fast._state.adding and fast._state.db is None and fast.pk is None
    for name, value in values.items():
        assert getattr(fast, name) == value  # related objects come from the cache, as the constructor's


def test_unsaved_refuses_unknown_names(world):
    with pytest.raises(TypeError, match="has no field colour"):
        unsaved(Partner, tenant=world.acme, name="Fabrikam", colour="red")


def test_an_unsaved_instance_saves_like_any_other(world):
    event = unsaved(AuditEvent, tenant=world.acme, verb="partner.created", target_type="partners.partner",
                    target_id="1")
    event.save()
    stored = AuditEvent.unscoped.get(pk=event.pk)
    assert (stored.tenant_id, stored.verb, stored.data, stored.created_at is not None) == (
        world.acme.pk, "partner.created", {}, True)
