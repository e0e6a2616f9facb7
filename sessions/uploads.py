"""Uploads kept no larger than a photo may be: what is past the limit is counted, never stored."""

from io import BytesIO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class OversizedUpload(UploadedFile):
    """An uploaded file that was larger than MAX_PHOTO_BYTES: its size, none of its bytes (photo checks refuse it
    by its size, with the clinician's message)."""

    def __init__(self, name, content_type, size):
        super().__init__(BytesIO(), name=name, content_type=content_type, size=size)


class PhotoSizeLimitHandler(FileUploadHandler):
    """First of the upload handlers: passes each file on to Django's own handlers (memory, then a temporary file)
    until it grows past MAX_PHOTO_BYTES, then keeps counting but drops the rest. Before, a 120 MB photo was
    written whole to a temporary file before its 25 MB refusal."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.MAX_PHOTO_BYTES:
            return None  # the handlers after this one never see it
        return raw_data

    def file_complete(self, file_size):
        if self.received > settings.MAX_PHOTO_BYTES:
            return OversizedUpload(self.file_name, self.content_type, self.received)
        return None  # the next handler's file
