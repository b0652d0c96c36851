import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

UPLOAD = "/manage/partners/imports/"
OURS = ["Partner", "Website", "Country", "Email", "First name", "Last name", "Role"]
SALESFORCE = ["Account ID", "Account Name", "Website", "Billing Country", "First Name", "Last Name", "Email"]


def csv_file(rows, header=OURS, name="partners.csv", sep=",", encoding="utf-8", bom=False):
    text = "\n".join(sep.join(row) for row in [header, *rows]) + "\n"
    data = text.encode(encoding)
    return SimpleUploadedFile(name, (b"\xef\xbb\xbf" if bom else b"") + data, content_type="text/csv")


def xlsx_file(rows, header=OURS, name="partners.xlsx"):
    book = Workbook()
    sheet = book.active
    for row in [header, *rows]:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def upload(client, file):
    return client.post(UPLOAD, {"file": file})


def latest(model):
    return model.unscoped.order_by("-pk").first()
