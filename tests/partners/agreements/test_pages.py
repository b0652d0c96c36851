"""Agreement pages: the editor, preview and publishing, signing in the portal, the gate, the PDFs."""

import re

import pytest
from django.utils import timezone

from partners.agreements import pdf as pdf_module, services
from partners.agreements.models import AgreementTemplate, AgreementVersion, Signature, VersionStatus
from prm.tenancy.context import tenant_context

from .helpers import publish, sign

SIGN = "/portal/agreement/"


def _sha_on_page(html: str) -> str:
    return re.search(r'name="shown_sha256" value="([0-9a-f]{64})"', html).group(1)


def test_tenant_admin_creates_previews_and_publishes(world, client_as):
    client = client_as(world.acme_admin)
    page = client.get("/manage/agreements/new/")
    assert page.status_code == 200
    assert "{{ partner_name }}" in page.content.decode() and "{{ date }}" in page.content.decode()  # the placeholders, documented
    response = client.post("/manage/agreements/new/", {"title": "Reseller terms", "partner_types": ["reseller"],
                                                        "countries": ["DE", "AT"], "body": "# Terms\n\nFor {{ partner_name }}."})
    assert response.status_code == 302
    with tenant_context(world.acme):
        template = AgreementTemplate.objects.get(title="Reseller terms")
        draft = AgreementVersion.objects.get(template=template)
    assert (template.partner_types, template.countries, draft.status) == (["reseller"], ["AT", "DE"], VersionStatus.DRAFT)
    preview = client.get(f"/manage/agreements/versions/{draft.pk}/")
    assert preview.status_code == 200 and "<h1>Terms</h1>" in preview.content.decode()
    assert client.post(f"/manage/agreements/versions/{draft.pk}/publish/").status_code == 302
    with tenant_context(world.acme):
        assert AgreementVersion.objects.get(pk=draft.pk).status == VersionStatus.PUBLISHED
    editor = client.get(f"/manage/agreements/{template.pk}/draft/")
    assert "For {{ partner_name }}." in editor.content.decode()  # a new version starts from the published text
    assert client.post(f"/manage/agreements/{template.pk}/draft/", {"body": "# Terms v2"}).status_code == 302
    with tenant_context(world.acme):
        assert AgreementVersion.objects.filter(template=template).count() == 2


def test_an_empty_draft_says_what_to_fix(world, client_as):
    client = client_as(world.acme_admin)
    response = client.post("/manage/agreements/new/", {"title": "", "body": ""})
    assert response.status_code == 400
    assert 'id="id_title_error"' in response.content.decode()


def test_script_in_markdown_never_reaches_any_page(world, client_as):
    body = "Hello {{ partner_name }}\n\n<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n[click](javascript:alert(2))"
    version = publish(world.acme, world.acme_admin.user, body=body)
    preview = client_as(world.acme_admin).get(f"/manage/agreements/versions/{version.pk}/").content.decode()
    portal = client_as(world.northwind_admin).get(SIGN).content.decode()
    for html in (preview, portal):
        assert "alert(" not in html and "onerror" not in html and "javascript:" not in html
    assert "Hello Northwind Traders" in portal
    signature = sign(world.northwind, world.northwind_admin)
    assert "<script" not in signature.text and "alert(" not in signature.text


def test_partner_name_is_escaped_into_the_text(world, client_as):
    with tenant_context(world.acme):
        type(world.northwind).objects.filter(pk=world.northwind.pk).update(name="<b>Northwind</b> & Co")
    publish(world.acme, world.acme_admin.user)
    html = client_as(world.northwind_admin).get(SIGN).content.decode()
    assert "&lt;b&gt;Northwind&lt;/b&gt; &amp;amp; Co" in html or "&lt;b&gt;Northwind&lt;/b&gt; &amp; Co" in html


def test_partner_admin_signs_in_the_portal(world, client_as):
    publish(world.acme, world.acme_admin.user)
    client = client_as(world.northwind_admin)
    page = client.get(SIGN)
    assert page.status_code == 200
    sha = _sha_on_page(page.content.decode())
    response = client.post(SIGN, {"typed_name": "Nora Admin", "shown_sha256": sha}, REMOTE_ADDR="192.0.2.10",
                           HTTP_USER_AGENT="Firefox/140")
    assert response.status_code == 302
    with tenant_context(world.acme):
        signature = Signature.objects.get(partner=world.northwind)
    assert (signature.text_sha256, signature.ip_address, signature.user_agent) == (sha, "192.0.2.10", "Firefox/140")
    assert "Signed by Nora Admin" in client.get(SIGN).content.decode()


def test_a_stale_page_is_refused_and_shows_the_current_text(world, client_as):
    publish(world.acme, world.acme_admin.user)
    client = client_as(world.northwind_admin)
    response = client.post(SIGN, {"typed_name": "Nora Admin", "shown_sha256": "0" * 64})
    assert response.status_code == 400
    assert "has changed" in response.content.decode()
    with tenant_context(world.acme):
        current = services.sha256_of(services.text_for(world.northwind, services.required_version(world.northwind)))
        assert not Signature.objects.exists()
    assert _sha_on_page(response.content.decode()) == current


def test_partner_user_reads_but_cannot_sign(world, client_as):
    publish(world.acme, world.acme_admin.user)
    client = client_as(world.northwind_rep)
    page = client.get(SIGN).content.decode()
    assert "Only a partner admin of your company can sign it" in page and 'name="typed_name"' not in page
    assert client.post(SIGN, {"typed_name": "Rep", "shown_sha256": "0" * 64}).status_code == 403


def _new_partner_with_members(world):
    """A partner created after the agreement was published: it signs before using the portal."""
    from prm.tenancy.models import Role
    from tests.factories import MembershipFactory, PartnerFactory, UserFactory
    late = PartnerFactory(tenant=world.acme, name="Latecomer")
    admin = MembershipFactory(tenant=world.acme, user=UserFactory(email="admin@late.example"), role=Role.PARTNER_ADMIN, partner=late)
    rep = MembershipFactory(tenant=world.acme, user=UserFactory(email="rep@late.example"), role=Role.PARTNER_USER, partner=late)
    return late, admin, rep


@pytest.mark.parametrize("path", ["/portal/", "/portal/team/", "/portal/profile/", "/portal/deals/"])
def test_gate_sends_an_unsigned_new_partner_to_the_agreement(world, client_as, path):
    publish(world.acme, world.acme_admin.user)
    late, admin, rep = _new_partner_with_members(world)
    for member in (admin, rep):
        response = client_as(member).get(path)
        assert response.status_code == 302 and response["Location"] == SIGN
    assert client_as(rep).get(SIGN).status_code == 200
    assert client_as(rep).get("/accounts/profile/").status_code == 200  # their own account stays open
    assert client_as(world.northwind_rep).get(path).status_code == 200  # northwind existed before: it has the re-sign days


def test_gate_lifts_once_a_partner_admin_signs(world, client_as):
    publish(world.acme, world.acme_admin.user)
    late, admin, rep = _new_partner_with_members(world)
    client = client_as(admin)
    sha = _sha_on_page(client.get(SIGN).content.decode())
    assert client.post(SIGN, {"typed_name": "Lara Late", "shown_sha256": sha}).status_code == 302
    assert client_as(rep).get("/portal/").status_code == 200


def test_gate_after_the_re_sign_deadline(world, client_as):
    first = publish(world.acme, world.acme_admin.user)
    sign(world.northwind, world.northwind_admin)
    second = publish(world.acme, world.acme_admin.user, template=first.template, body="Version 2")
    assert client_as(world.northwind_rep).get("/portal/").status_code == 200  # within the re-sign days
    with tenant_context(world.acme):
        AgreementVersion.objects.filter(pk=second.pk).update(sign_by=timezone.now() - timezone.timedelta(seconds=1))
    response = client_as(world.northwind_rep).get("/portal/")
    assert response.status_code == 302 and response["Location"] == SIGN


def test_keep_access_lets_unsigned_partners_in(world, client_as):
    with tenant_context(world.acme):
        services.agreement_settings_update(tenant=world.acme, actor=world.acme_admin.user, resign_days=30, unsigned_keep_access=True)
    publish(world.acme, world.acme_admin.user)
    late, admin, rep = _new_partner_with_members(world)
    assert client_as(rep).get("/portal/").status_code == 200


def test_gate_holds_the_portal_api_back_too(world, client_as):
    publish(world.acme, world.acme_admin.user)
    late, admin, rep = _new_partner_with_members(world)
    refused = client_as(rep).get("/api/v1/deals/")
    assert refused.status_code == 403 and "sign the partner agreement" in refused.json()["detail"]
    assert client_as(admin).get("/api/v1/agreement-signatures/current/").status_code == 200
    assert client_as(world.northwind_rep).get("/api/v1/deals/").status_code == 200


def test_pdf_downloads_for_the_partner_and_staff_only(world, client_as):
    publish(world.acme, world.acme_admin.user)
    signature = sign(world.northwind, world.northwind_admin)
    own = client_as(world.northwind_rep).get(f"/portal/agreement/signatures/{signature.pk}/pdf/")
    assert own.status_code == 200 and own.content.startswith(b"%PDF") and own["Content-Type"] == "application/pdf"
    staff = client_as(world.acme_manager).get(f"/manage/agreements/signatures/{signature.pk}/pdf/")
    assert staff.status_code == 200 and staff.content.startswith(b"%PDF")
    assert client_as(world.contoso_rep).get(f"/portal/agreement/signatures/{signature.pk}/pdf/").status_code == 404
    assert client_as(world.globex_admin).get(f"/manage/agreements/signatures/{signature.pk}/pdf/").status_code == 404


def test_pdf_rendering_fetches_nothing(world):
    """Images, stylesheets and fonts named in the text point at a server on loopback: it is never asked."""
    import http.server
    import threading

    asked = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 — the stdlib's name
            asked.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        publish(world.acme, world.acme_admin.user)
        signature = sign(world.northwind, world.northwind_admin)
        signature.text += (f'<img src="{base}/pixel.png"><link rel="stylesheet" href="{base}/x.css">'
                           f'<style>@font-face {{ font-family: x; src: url({base}/font.woff) }} p {{ font-family: x }}</style>')
        with tenant_context(world.acme):
            assert pdf_module.signed_pdf(signature).startswith(b"%PDF")
    finally:
        server.shutdown()
        server.server_close()
    assert asked == []


def test_without_weasyprint_the_download_says_so(world, client_as, monkeypatch):
    publish(world.acme, world.acme_admin.user)
    signature = sign(world.northwind, world.northwind_admin)

    def missing():
        raise pdf_module.PdfUnavailable("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf_module, "_weasyprint", missing)
    response = client_as(world.northwind_admin).get(f"/portal/agreement/signatures/{signature.pk}/pdf/")
    assert response.status_code == 503
    assert "cannot be made as a PDF on this server" in response.content.decode()
    german = client_as(world.northwind_admin).get(f"/portal/agreement/signatures/{signature.pk}/pdf/", HTTP_ACCEPT_LANGUAGE="de")
    assert german.status_code == 503


def test_tenant_admin_countersigns_on_the_dashboard(world, client_as):
    publish(world.acme, world.acme_admin.user)
    signature = sign(world.northwind, world.northwind_admin)
    page = client_as(world.acme_manager).get(f"/manage/agreements/signatures/{signature.pk}/").content.decode()
    assert signature.text_sha256 in page and 'name="typed_name"' not in page  # managers read, admins counter-sign
    assert client_as(world.acme_manager).post(f"/manage/agreements/signatures/{signature.pk}/", {"typed_name": "M"}).status_code == 403
    response = client_as(world.acme_admin).post(f"/manage/agreements/signatures/{signature.pk}/", {"typed_name": "Ada Admin"})
    assert response.status_code == 302
    with tenant_context(world.acme):
        assert Signature.objects.get(pk=signature.pk).countersign_typed_name == "Ada Admin"


def test_partner_page_shows_the_agreement_section(world, client_as):
    first = publish(world.acme, world.acme_admin.user, title="Program terms")
    signature = sign(world.northwind, world.northwind_admin, name="Nora Admin")
    page = client_as(world.acme_manager).get(f"/manage/partners/{world.northwind.pk}/")
    html = page.content.decode()
    assert 'data-section="agreement"' in html and "Program terms, version 1" in html and "by Nora Admin" in html
    assert f"/manage/agreements/signatures/{signature.pk}/pdf/" in html
    publish(world.acme, world.acme_admin.user, template=first.template, body="v2")
    html = client_as(world.acme_manager).get(f"/manage/partners/{world.northwind.pk}/").content.decode()
    assert "Re-signature pending: due by" in html and "Previously signed: version 1" in html


def test_partner_timeline_shows_the_signing(world, client_as):
    publish(world.acme, world.acme_admin.user)
    sign(world.northwind, world.northwind_admin)
    html = client_as(world.acme_manager).get(f"/manage/partners/{world.northwind.pk}/").content.decode()
    assert "Agreement signed" in html


def test_settings_page_saves_and_explains_a_bad_value(world, client_as):
    client = client_as(world.acme_admin)
    bad = client.post("/manage/agreements/settings/", {"resign_days": "0"})
    assert bad.status_code == 400 and 'id="id_resign_days_error"' in bad.content.decode()
    assert client.post("/manage/agreements/settings/", {"resign_days": "14", "unsigned_keep_access": "on"}).status_code == 302
    with tenant_context(world.acme):
        from partners.agreements.selectors import agreement_settings_for
        row = agreement_settings_for(world.acme)
    assert (row.resign_days, row.unsigned_keep_access) == (14, True)


def test_portal_home_shows_the_days_left_to_re_sign(world, client_as):
    first = publish(world.acme, world.acme_admin.user)
    sign(world.northwind, world.northwind_admin)
    assert "days left to sign" not in client_as(world.northwind_rep).get("/portal/").content.decode()
    publish(world.acme, world.acme_admin.user, template=first.template, body="Version 2")
    html = client_as(world.northwind_rep).get("/portal/").content.decode()
    assert re.search(r'href="/portal/agreement/"><span class="stat__value">30</span><span class="stat__label">days left to sign', html)


def test_portal_home_with_keep_access_shows_the_agreement_to_sign(world, client_as):
    with tenant_context(world.acme):
        services.agreement_settings_update(tenant=world.acme, actor=world.acme_admin.user, resign_days=30, unsigned_keep_access=True)
    publish(world.acme, world.acme_admin.user)
    late, admin, rep = _new_partner_with_members(world)
    assert "agreement to sign" in client_as(rep).get("/portal/").content.decode()
