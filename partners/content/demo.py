"""Demo content: Acme's library, with a Gold-only price list (a real one-page PDF made here), a sales
deck for every partner in two versions, a campaign kit (a zip) for resellers and a link to the
brand portal; Globex's in German. Northwind's rep has downloaded the price list and the deck."""

import io
import zipfile
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from partners.models import Partner
from partners.tiers.models import Tier
from prm.tenancy.context import tenant_context
from prm.tenancy.models import Membership, Role, Tenant

from .models import Category, ContentItem, Kind, Visibility
from .services import download_record, item_create, version_upload

GOLD_PRICE_LIST = "Acme price list 2027 (Gold)"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def simple_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF (Helvetica, A4) showing `lines` (Latin-1 text), built by hand."""
    text = "BT /F1 12 Tf 56 780 Td 16 TL " + " ".join(f"({_escape(line)}) '" for line in lines) + " ET"
    stream = text.encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _zip(files: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return out.getvalue()


def _pdf(name: str, lines: list[str]) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, simple_pdf(lines), content_type="application/pdf")


def _acme(admin, now) -> None:
    gold = Tier.objects.filter(name__iexact="Gold").first()
    price_list = item_create(
        tenant=admin.tenant, actor=admin.user, title=GOLD_PRICE_LIST, category=Category.PRICE_LISTS, language="en",
        description="Net prices for Gold partners, valid from 1 January 2027.", product_lines="Firewalls, Switches",
        visibility=Visibility.TIERS, tiers=[gold] if gold else [], publish_at=now - timedelta(days=20),
        upload=_pdf("acme-price-list-2027-gold.pdf", [
            GOLD_PRICE_LIST, "", "Product                     List price   Gold net", "Firewall F200               4,900 USD   3,920 USD",
            "Firewall F500              12,400 USD   9,920 USD", "Switch S48                   2,150 USD   1,720 USD",
            "", "Confidential: for Acme Gold partners only."]),
    )
    deck = item_create(
        tenant=admin.tenant, actor=admin.user, title="Acme Networks sales deck", category=Category.SALES, language="en",
        description="The pitch for first meetings: why Acme, the product family, references.",
        product_lines="Firewalls, Switches", publish_at=now - timedelta(days=60),
        upload=_pdf("acme-sales-deck.pdf", ["Acme Networks sales deck", "", "1. Why Acme", "2. Products", "3. References"]),
    )
    version_upload(item=deck, actor=admin.user, note="New references slide (Fabrikam, Tailspin); prices removed.",
                   upload=_pdf("acme-sales-deck.pdf", ["Acme Networks sales deck", "", "1. Why Acme", "2. Products",
                                                       "3. References: Fabrikam, Tailspin Toys"]))
    item_create(
        tenant=admin.tenant, actor=admin.user, title="Spring campaign kit for resellers", category=Category.CAMPAIGN_KITS,
        description="Email texts, banner copy and a call script for the spring firewall campaign.",
        product_lines="Firewalls", visibility=Visibility.TYPES, business_types=["reseller"],
        publish_at=now - timedelta(days=3),
        upload=SimpleUploadedFile("spring-campaign-kit.zip", _zip({
            "README.txt": "Spring campaign kit: use the texts as they are or adapt them.\n",
            "email.txt": "Subject: Is your firewall ready for spring?\n\nDear customer, ...\n",
            "call-script.txt": "Open: We help companies like yours replace ageing firewalls ...\n"})),
    )
    item_create(tenant=admin.tenant, actor=admin.user, title="Brand portal: logos and guidelines", category=Category.LOGOS,
                kind=Kind.LINK, url="https://brand.acme.example/", publish_at=now - timedelta(days=120))
    northwind = Partner.objects.filter(name="Northwind Traders").first()
    rep = Membership.objects.filter(partner=northwind, role=Role.PARTNER_USER).select_related("user").first()
    if northwind is not None and rep is not None:
        for item, days_ago in ((price_list, 10), (deck, 5), (deck, 1)):
            download_record(item=ContentItem.objects.get(pk=item.pk), partner=northwind, user=rep.user,
                            now=now - timedelta(days=days_ago))


def _globex(admin, now) -> None:
    item_create(tenant=admin.tenant, actor=admin.user, title="Globex Produktübersicht", category=Category.SALES,
                language="de", description="Alle Produkte auf einer Seite.", publish_at=now - timedelta(days=30),
                upload=_pdf("globex-produktuebersicht.pdf", ["Globex Produktübersicht", "", "Server, Speicher, Netzwerk"]))


def load_content_demo() -> None:
    """Idempotent: a program that already has content is left as it is."""
    now = timezone.now()
    for slug, build in (("acme", _acme), ("globex", _globex)):
        tenant = Tenant.objects.get(slug=slug)
        with tenant_context(tenant):
            if ContentItem.objects.exists():
                continue
            admin = Membership.objects.filter(tenant=tenant, role=Role.TENANT_ADMIN).select_related("user", "tenant").first()
            build(admin, now)
