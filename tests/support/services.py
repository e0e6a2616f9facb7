"""The local services some tests need (deploy/local-services starts them): reachable, or a clear skip.

With SERVICES_REQUIRED=1 (set by .ci/run) an unreachable service fails the test instead of skipping it.
"""

import os

import pytest

S3_ENDPOINT_URL = os.environ.get("TEST_S3_ENDPOINT_URL", "").strip() or "http://127.0.0.1:5055"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "").strip() or "redis://127.0.0.1:6379/15"
# moto's server takes any key; a real S3-compatible server is given its own through the environment.
S3_ACCESS_KEY = os.environ.get("TEST_S3_ACCESS_KEY_ID", "").strip() or "testing"
S3_SECRET_KEY = os.environ.get("TEST_S3_SECRET_ACCESS_KEY", "").strip() or "testing"


def require_service(name, answers):
    """Skip (or, with SERVICES_REQUIRED=1, fail) unless `answers()` returns without raising."""
    try:
        answers()
    except Exception as error:  # whatever the client raises, the service is not there
        reason = f"{name} is not reachable ({type(error).__name__}); start it with `deploy/local-services start`"
        if os.environ.get("SERVICES_REQUIRED", "").strip() == "1":
            pytest.fail(f"{reason} (SERVICES_REQUIRED=1)", pytrace=False)
        pytest.skip(reason)


def s3_client(**config):
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=S3_ENDPOINT_URL,
        region_name="us-east-1",
        aws_access_key_id=S3_ACCESS_KEY,
        aws_secret_access_key=S3_SECRET_KEY,
        config=Config(connect_timeout=2, read_timeout=10, retries={"max_attempts": 1}, **config),
    )


def redis_client():
    import redis

    return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=5)
