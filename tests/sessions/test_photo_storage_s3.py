"""Photos in an S3-compatible bucket, against a real server (moto's, started by deploy/local-services).

Each test gets a bucket of its own and the photo storage that DJANGO_PHOTO_STORAGE=s3 configures.
"""

import uuid
from io import BytesIO
from unittest import mock

import pytest
from botocore import UNSIGNED
from botocore.exceptions import ClientError
from django.urls import reverse
from PIL import Image
from storages.backends.s3 import S3Storage

from audit.models import AuditAction, AuditEvent
from config.settings import s3_photo_storage
from sessions.models import SessionPhoto, TreatmentSession
from tests.support.db import media_files
from tests.support.images import jpeg_bytes, upload
from tests.support.posts import session_data, with_photos
from tests.support.services import S3_ACCESS_KEY, S3_ENDPOINT_URL, S3_SECRET_KEY, require_service, s3_client

pytestmark = pytest.mark.django_db

PUBLIC_GRANTEES = {
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
}


class Bucket:
    def __init__(self, client, name):
        self.client, self.name = client, name

    def stored_keys(self):
        return sorted(item["Key"] for item in self.client.list_objects_v2(Bucket=self.name).get("Contents", []))

    def read(self, key):
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def public_grants(self, key=None):
        if key:
            acl = self.client.get_object_acl(Bucket=self.name, Key=key)
        else:
            acl = self.client.get_bucket_acl(Bucket=self.name)
        return [grant for grant in acl["Grants"] if grant["Grantee"].get("URI") in PUBLIC_GRANTEES]

    def anonymous_get(self, key):
        """The HTTP status of a GET of the object by someone holding no key at all."""
        try:
            s3_client(signature_version=UNSIGNED).get_object(Bucket=self.name, Key=key)
        except ClientError as refused:
            return refused.response["ResponseMetadata"]["HTTPStatusCode"]
        return 200


@pytest.fixture
def bucket(settings, monkeypatch):
    """A new private bucket, and the photos stored in it as DJANGO_PHOTO_STORAGE=s3 configures the storage."""
    client = s3_client()
    require_service(f"The S3-compatible server at {S3_ENDPOINT_URL}", client.list_buckets)
    name = f"scalp-test-{uuid.uuid4().hex[:20]}"
    client.create_bucket(Bucket=name)
    environment = {
        "S3_BUCKET": name,
        "S3_ENDPOINT_URL": S3_ENDPOINT_URL,
        "S3_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": S3_ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": S3_SECRET_KEY,
    }
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    settings.STORAGES = {**settings.STORAGES, "default": s3_photo_storage()}
    yield Bucket(client, name)
    for key in Bucket(client, name).stored_keys():
        client.delete_object(Bucket=name, Key=key)
    client.delete_bucket(Bucket=name)


def log_session(client, patient, *files):
    response = client.post(reverse("session-log", args=[patient.pk]), with_photos(session_data(), *files))
    assert response.status_code == 302, response.content[:500]
    return list(TreatmentSession.objects.get().photos.order_by("uploaded_at", "pk"))


def test_a_logged_photo_and_its_thumbnail_go_to_the_bucket_encrypted_and_nothing_to_local_disk(
    clinician_client, patient, bucket
):
    (photo,) = log_session(clinician_client, patient, upload(jpeg_bytes(gps=True)))

    assert bucket.stored_keys() == sorted([photo.image.name, photo.thumbnail.name])
    assert all(key.startswith("photos/") and key.endswith(".jpg") for key in bucket.stored_keys())
    for key in bucket.stored_keys():
        assert bucket.client.head_object(Bucket=bucket.name, Key=key)["ServerSideEncryption"] == "AES256"
    assert media_files() == []


def test_neither_the_bucket_nor_a_photo_is_public(clinician_client, patient, bucket):
    (photo,) = log_session(clinician_client, patient, upload(jpeg_bytes()))

    assert bucket.public_grants() == []
    for key in (photo.image.name, photo.thumbnail.name):
        assert bucket.public_grants(key) == []
        assert bucket.anonymous_get(key) == 403


def test_no_page_hands_out_a_bucket_address_signed_or_not(clinician_client, patient, bucket):
    (photo,) = log_session(clinician_client, patient, upload(jpeg_bytes()))
    pages = [
        reverse("patient-detail", args=[patient.pk]),
        reverse("session-detail", args=[photo.session_id]),
        reverse("photo-compare", args=[patient.pk]),
    ]

    for page in pages:
        html = clinician_client.get(page).content.decode()
        assert reverse("photo-thumbnail", args=[photo.pk]) in html or page.endswith("/compare/")
        for bucket_trace in (S3_ENDPOINT_URL, bucket.name, "X-Amz-", photo.image.name):
            assert bucket_trace not in html, (page, bucket_trace)


def test_the_photo_and_thumbnail_views_stream_what_the_bucket_holds_and_the_photo_view_is_audited(
    clinician_client, patient, bucket
):
    (photo,) = log_session(clinician_client, patient, upload(jpeg_bytes(width=900, height=600)))

    full = clinician_client.get(reverse("photo-file", args=[photo.pk]))
    thumbnail = clinician_client.get(reverse("photo-thumbnail", args=[photo.pk]))

    assert full.status_code == thumbnail.status_code == 200
    assert full.streaming and thumbnail.streaming
    assert b"".join(full.streaming_content) == bucket.read(photo.image.name)
    assert b"".join(thumbnail.streaming_content) == bucket.read(photo.thumbnail.name)
    assert Image.open(BytesIO(bucket.read(photo.thumbnail.name))).size == (320, 213)
    viewed = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="photo", object_id=str(photo.pk))
    assert [event.detail for event in viewed.order_by("pk")] == [{}, {"via": "thumbnail"}]


def test_a_photo_missing_from_the_bucket_is_not_found_rather_than_a_server_error(clinician_client, patient, bucket):
    (photo,) = log_session(clinician_client, patient, upload(jpeg_bytes()))
    bucket.client.delete_object(Bucket=bucket.name, Key=photo.image.name)

    assert clinician_client.get(reverse("photo-file", args=[photo.pk])).status_code == 404


def test_the_before_after_composite_is_made_from_the_photos_in_the_bucket(clinician_client, patient, bucket):
    left, right = log_session(
        clinician_client,
        patient,
        upload(jpeg_bytes(width=400, height=300, colour=(200, 30, 30))),
        upload(jpeg_bytes(width=400, height=300, colour=(30, 30, 200))),
    )

    response = clinician_client.get(
        reverse("photo-compare-download", args=[patient.pk]), {"view": "vertex", "a": left.pk, "b": right.pk}
    )

    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    composite = Image.open(BytesIO(response.content)).convert("RGB")
    height = composite.height
    red, blue = composite.getpixel((100, height - 100)), composite.getpixel((composite.width - 100, height - 100))
    assert red[0] > 150 > red[2] and blue[2] > 150 > blue[0]  # each photo on its side, read back from S3
    downloaded = AuditEvent.objects.filter(action=AuditAction.VIEW, detail={"via": "composite download"})
    assert sorted(downloaded.values_list("object_id", flat=True)) == sorted([str(left.pk), str(right.pk)])


def test_a_session_that_fails_while_storing_its_photos_leaves_no_object_in_the_bucket(
    clinician_client, patient, bucket
):
    real_save = S3Storage._save
    calls = []

    def refused_on_third_object(storage, name, content):
        calls.append(name)
        if len(calls) == 3:
            raise ClientError({"Error": {"Code": "SlowDown", "Message": "Reduce your request rate."}}, "PutObject")
        return real_save(storage, name, content)

    with mock.patch.object(S3Storage, "_save", refused_on_third_object), pytest.raises(ClientError):
        clinician_client.post(
            reverse("session-log", args=[patient.pk]),
            with_photos(session_data(), upload(jpeg_bytes()), upload(jpeg_bytes(colour=(10, 10, 10)))),
        )

    assert len(calls) == 3  # the first photo and its thumbnail were stored, then removed
    assert bucket.stored_keys() == []
    assert not TreatmentSession.objects.exists() and not SessionPhoto.objects.exists()


def test_the_screen_rendition_is_made_from_the_photo_in_the_bucket_and_stored_there(clinician_client, patient, bucket):
    (photo,) = log_session(clinician_client, patient, upload(jpeg_bytes(width=2400, height=1800)))

    served = clinician_client.get(reverse("photo-screen", args=[photo.pk]))

    screen = SessionPhoto.objects.get(pk=photo.pk).screen.name
    assert bucket.stored_keys() == sorted([photo.image.name, photo.thumbnail.name, screen])
    assert b"".join(served.streaming_content) == bucket.read(screen)
    assert Image.open(BytesIO(bucket.read(screen))).size == (1600, 1200)
    assert bucket.public_grants(screen) == [] and bucket.anonymous_get(screen) == 403
    assert media_files() == []
