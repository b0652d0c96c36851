"""The portal's points page: the partner's own balance and history, never another partner's."""

from django.test import Client

from loyalty.views import source_label

from .helpers import earn, redeem


def _page(world, membership):
    client = Client(HTTP_HOST=f"{world.acme.slug}.localhost")
    client.force_login(membership.user)
    return client.get("/portal/points/")


def test_the_partner_sees_its_balance_and_every_entry_with_its_source(acme, world):
    earn(world.northwind, 1200, src=("dealreg.deal", 42))
    earn(world.northwind, 300, pending=True)
    redeem(world.northwind, 700)
    earn(world.contoso, 9999)
    page = _page(world, world.northwind_admin)
    body = page.content.decode()
    assert page.status_code == 200
    balance = page.context["balance"]
    assert (balance.available, balance.pending, balance.redeemed) == (500, 300, 700)
    assert [entry.points for entry in page.context["entries"]] == [-700, 300, 1200]
    assert "Deal #42" in body and "9,999" not in body and "9999" not in body


def test_a_source_that_is_no_model_keeps_its_name():
    assert source_label("dealreg.deal", 7) == "Deal #7"
    assert source_label("nothing.here", 7) == "nothing.here"
