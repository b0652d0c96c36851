"""The request body is capped: a 300 MB upload is refused before it is read, and file parts are
counted while they stream in."""

import io

import pytest
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from prm.uploads.request_limits import BodyCapUploadHandler
from surveys.models import ImportBatch

CAMPAIGNS = "/manage/surveys/campaigns/"


class Stream(io.RawIOBase):
    """`size` bytes of a multipart body, made as they are read; counts what was read."""

    def __init__(self, size):
        self.size, self.read_bytes = size, 0
        self.head = f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n\r\n".encode()

    def readable(self):
        return True

    def readinto(self, buffer):
        count = min(len(buffer), self.size - self.read_bytes)
        start = self.read_bytes
        chunk = (self.head[start:] + b"a" * count)[:count] if start < len(self.head) else b"a" * count
        buffer[:count] = chunk
        self.read_bytes += count
        return count


def test_a_300_mb_upload_is_refused_before_a_byte_is_read(world, client_as):
    body = Stream(300 * 1024 * 1024)
    response = client_as(world.acme_manager).generic(
        "POST", CAMPAIGNS, content_type=MULTIPART_CONTENT,
        **{"wsgi.input": body, "CONTENT_LENGTH": str(body.size)})
    assert response.status_code == 413
    assert "larger than 10.0\xa0MB" in response.content.decode()
    assert body.read_bytes == 0
    assert not ImportBatch.unscoped.exists()


def test_a_request_under_the_cap_goes_through(world, client_as, settings):
    settings.PRM_MAX_REQUEST_BYTES = 100
    manager = client_as(world.acme_manager)
    assert manager.get(CAMPAIGNS).status_code == 200
    assert manager.post(CAMPAIGNS, {"name": "x"}).status_code == 400  # under 100 bytes: the form's own errors
    assert manager.post(CAMPAIGNS, {"name": "x" * 100}).status_code == 413


def test_file_parts_are_counted_while_they_stream_in(rf, settings):
    """A server that does not stop at the declared length: the handler stops past the cap."""
    settings.PRM_MAX_REQUEST_BYTES = 20_000
    body = encode_multipart(BOUNDARY, {"file": SimpleUploadedFile("big.csv", b"a" * 200_000)})
    stream = io.BytesIO(body)
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": "1000"}  # understated
    request = rf.post("/")
    parser = MultiPartParser(meta, stream, [BodyCapUploadHandler(request)], "utf-8")
    with pytest.raises(RequestDataTooBig):
        parser.parse()
    assert stream.tell() < 100_000  # stopped early, not at the end of the body


def test_the_declared_length_is_checked_by_the_handler_too(rf, settings):
    settings.PRM_MAX_REQUEST_BYTES = 20_000
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": "20001"}
    parser = MultiPartParser(meta, io.BytesIO(b""), [BodyCapUploadHandler(rf.post("/"))], "utf-8")
    with pytest.raises(RequestDataTooBig):
        parser.parse()
