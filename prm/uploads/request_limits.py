"""The whole request body is capped before anything reads it.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE counts the form fields but not the file parts, and a file
part over FILE_UPLOAD_MAX_MEMORY_SIZE is spooled to disk without end. So:

- the middleware answers 413 to a request that declares a body over PRM_MAX_REQUEST_BYTES,
  before a byte of it is read (under WSGI Django never reads past the declared length, and a body
  without one is read as empty);
- the upload handler counts the file bytes as they stream in and stops the upload past the same
  cap, for a server that does not bound the body by its declared length.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def _declared_length(meta) -> int:
    try:
        return int(meta.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.PRM_MAX_REQUEST_BYTES
        if _declared_length(request.META) > limit:
            message = _("This request is larger than %(limit)s, the most this site accepts. Upload a smaller "
                        "file.") % {"limit": filesizeformat(limit)}
            # No "Connection: close" here: WSGI forbids hop-by-hop headers; the server decides.
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class BodyCapUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: passes the data on, refusing past PRM_MAX_REQUEST_BYTES."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.PRM_MAX_REQUEST_BYTES
        self.received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > self.limit:
            raise RequestDataTooBig("Request body larger than PRM_MAX_REQUEST_BYTES.")

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            raise RequestDataTooBig("Uploaded files larger than PRM_MAX_REQUEST_BYTES.")
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler builds the file
