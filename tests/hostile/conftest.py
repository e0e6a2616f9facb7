import pytest


@pytest.fixture
def root_client(client_for, superuser):
    """The Django admin, signed in as a superuser."""
    return client_for(superuser)
