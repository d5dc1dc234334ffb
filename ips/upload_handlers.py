"""Stop reading an upload the moment it passes the size limit, instead of after the whole body arrived.

:class:`UploadLimitHandler` is the first of ``FILE_UPLOAD_HANDLERS``. It counts the bytes of each file as
they arrive and raises ``StopUpload(connection_reset=True)`` as soon as a file passes ``IPS_UPLOAD_MAX_MB``,
or before reading any of a file when the request's Content-Length is already more than any form of the
program can legitimately send. Django then stops parsing: the fields that came before the file are in
``request.POST``, the file and everything after it are missing, and nothing was written (the partial
temporary file is closed and removed by Django).

A view that accepts uploads passes :func:`submitted_files` to its form instead of ``request.FILES``; it
puts a :class:`RefusedUpload` stand-in where the refused file would have been, so the form's
:class:`ips.uploads.UploadField` says "The file is larger than the N MB limit." instead of "This field is
required" (or, for an optional file, silently saving the rest without it).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import global_settings, settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.datastructures import MultiValueDict

# The most files one form of the program sends together (a separate-consideration request: the plan
# and the verification report). With the form's text fields, it bounds the size of any honest request.
MOST_FILES_PER_FORM = 2
MULTIPART_OVERHEAD_BYTES = 64 * 1024  # part headers and boundaries


def max_upload_bytes() -> int:
    """The size limit of one uploaded file, from ``IPS_UPLOAD_MAX_MB``."""
    return settings.IPS_UPLOAD_MAX_MB * 1024 * 1024


def max_request_bytes() -> int:
    """The largest request body a form with files may send: its files at the limit, plus its text fields."""
    fields = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or global_settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return MOST_FILES_PER_FORM * max_upload_bytes() + fields + MULTIPART_OVERHEAD_BYTES


@dataclass(frozen=True)
class UploadRefusal:
    """What the handler refused: which field, the file's name, and how many of its bytes were read."""

    field_name: str
    file_name: str
    bytes_read: int
    request_length: int


class UploadLimitHandler(FileUploadHandler):
    """Refuses a file as soon as it (or the request carrying it) passes the limit; never stores anything."""

    def __init__(self, request=None):
        super().__init__(request)
        self.request_length = 0
        self.bytes_read = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.request_length = content_length or 0
        return None  # the multipart parser goes on as usual

    def new_file(self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None):
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        self.bytes_read = 0
        if self.request_length > max_request_bytes() or (content_length or 0) > max_upload_bytes():
            self._refuse()

    def receive_data_chunk(self, raw_data, start):
        self.bytes_read += len(raw_data)
        if self.bytes_read > max_upload_bytes():
            self._refuse()
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) keeps the file

    def _refuse(self):
        if self.request is not None:
            self.request.upload_refusal = UploadRefusal(
                field_name=self.field_name, file_name=self.file_name or "", bytes_read=self.bytes_read,
                request_length=self.request_length,
            )
        raise StopUpload(connection_reset=True)


class RefusedUpload(UploadedFile):
    """Stands in for a file the handler stopped reading; it has no content and is never stored."""

    def __init__(self, refusal: UploadRefusal):
        super().__init__(
            file=io.BytesIO(b""), name=refusal.file_name or "upload", content_type="application/octet-stream",
            size=max(refusal.bytes_read, max_upload_bytes() + 1),
        )
        self.refusal = refusal


def submitted_files(request) -> MultiValueDict:
    """``request.FILES``, with a :class:`RefusedUpload` in place of a file the handler refused for its size."""
    files = request.FILES  # parses the body first, which is when the handler may refuse
    refusal = getattr(request, "upload_refusal", None)
    if refusal is None:
        return files
    files = files.copy()
    files[refusal.field_name] = RefusedUpload(refusal)
    return files
