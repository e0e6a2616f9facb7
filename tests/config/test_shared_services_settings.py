"""Photo storage, cache and sessions as the environment chooses them: local by default, shared on request."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OURS = ("DJANGO_", "DATABASE_URL", "REDIS_URL", "S3_", "AWS_")


def run_settings(**env):
    code = (
        "import json, config.settings as s; "
        "print(json.dumps({'storage': s.STORAGES['default'], 'cache': s.CACHES['default'], "
        "'sessions': s.SESSION_ENGINE}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(OURS)}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SECRET_KEY": "x", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_for(**env):
    result = run_settings(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_by_default_photos_stay_on_local_disk_with_a_local_memory_cache_and_database_sessions():
    shown = settings_for()

    assert shown["storage"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert shown["cache"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert shown["sessions"] == "django.contrib.sessions.backends.db"


def test_redis_url_puts_the_cache_in_redis_and_sessions_in_redis_backed_by_the_database():
    shown = settings_for(REDIS_URL="redis://cache.internal:6379/2")

    assert shown["cache"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.internal:6379/2",
    }
    assert shown["sessions"] == "django.contrib.sessions.backends.cached_db"


def test_s3_photo_storage_is_private_encrypted_and_never_overwrites():
    shown = settings_for(
        DJANGO_PHOTO_STORAGE="s3",
        S3_BUCKET="clinic-photos",
        S3_ENDPOINT_URL="https://s3.clinic.example",
        AWS_ACCESS_KEY_ID="AKIDEXAMPLE",
        AWS_SECRET_ACCESS_KEY="secret-example",
    )

    assert shown["storage"]["BACKEND"] == "storages.backends.s3.S3Storage"
    options = shown["storage"]["OPTIONS"]
    assert options["bucket_name"] == "clinic-photos"
    assert options["endpoint_url"] == "https://s3.clinic.example"
    assert options["region_name"] == "us-east-1"
    assert (options["access_key"], options["secret_key"]) == ("AKIDEXAMPLE", "secret-example")
    assert options["object_parameters"] == {"ServerSideEncryption": "AES256"}
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True and options["file_overwrite"] is False


def test_on_aws_the_endpoint_and_keys_are_left_to_boto3_when_not_given():
    options = settings_for(DJANGO_PHOTO_STORAGE="s3", S3_BUCKET="clinic-photos", S3_REGION="eu-central-1")["storage"][
        "OPTIONS"
    ]

    assert options["endpoint_url"] is None and options["region_name"] == "eu-central-1"
    assert options["access_key"] is None and options["secret_key"] is None


def test_s3_photo_storage_without_a_bucket_refuses_to_start():
    result = run_settings(DJANGO_PHOTO_STORAGE="s3")

    assert result.returncode != 0
    assert "DJANGO_PHOTO_STORAGE=s3 needs S3_BUCKET" in result.stderr


def test_an_unknown_photo_storage_is_an_error_not_a_guess():
    result = run_settings(DJANGO_PHOTO_STORAGE="dropbox")

    assert result.returncode != 0
    assert "DJANGO_PHOTO_STORAGE must be one of ['local', 's3']" in result.stderr
