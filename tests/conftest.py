import pytest
from django.conf import settings as django_settings
from django.test import Client, TransactionTestCase, override_settings
from django.utils import translation

from clinic.roles import CLINICIAN, CURATOR, RESEARCHER
from tests.support.clients import signed_in
from tests.support.db import FAST_PASSWORD_HASHERS, seed_literature_presets
from tests.support.factories import PatientFactory, UserFactory
from tests.support.flush import quick_fixture_teardown
from tests.support.workers import FileStretchScheduling, order_for_workers

PLAIN_STATIC_STORAGE = "django.contrib.staticfiles.storage.StaticFilesStorage"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """After pytest-django's own ordering: see tests/support/workers.py."""
    order_for_workers(items)


def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") == "loadfile":
        return FileStretchScheduling(config, log)
    return None


@pytest.fixture(scope="session", autouse=True)
def _quick_flush():
    """Transactional tests end by emptying every table: see tests/support/flush.py."""
    djangos = TransactionTestCase._fixture_teardown
    TransactionTestCase._fixture_teardown = quick_fixture_teardown
    yield
    TransactionTestCase._fixture_teardown = djangos


@pytest.fixture(scope="session", autouse=True)
def _plain_static_files():
    """Pages render with the plain static storage and nothing collected, from the first request of the
    live server on: the production storage needs collectstatic's manifest, which
    tests/config/test_static_manifest.py and the production-server browser test build and check."""
    with override_settings(
        STORAGES={**django_settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC_STORAGE}}, STATIC_ROOT=None
    ):
        yield


@pytest.fixture(autouse=True)
def _fast_private_settings(settings, tmp_path, request):
    """Quick password hashes; photos in a folder of the test's own, or of its module when the module's tests
    share stored rows (tests/support/db.py, shared_by_the_module)."""
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS
    settings.MEDIA_ROOT = getattr(request.module, "MEDIA_SHARED_BY_THE_MODULE", None) or tmp_path / "media"


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request in another language leaves it active in the thread (a server's next request sets its own): the
    next test, reading labels outside a request, must not inherit it."""
    yield
    translation.deactivate()


@pytest.fixture
def clinician(db):
    return UserFactory(username="dr.clinician", roles=[CLINICIAN])


@pytest.fixture
def curator(db):
    return UserFactory(username="curator", roles=[CURATOR])


@pytest.fixture
def researcher(db):
    return UserFactory(username="researcher", roles=[RESEARCHER])


@pytest.fixture
def patient(db):
    """A patient with photo and research consent, born 1980-05-17, with female pattern hair loss."""
    return PatientFactory()


@pytest.fixture
def outsider(db):
    """Signed in, but holds no role."""
    return UserFactory(username="outsider")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def client_for():
    """make(user): a test Client signed in as `user` (tests/support/clients.py), or anonymous for None."""

    def make(user):
        return Client() if user is None else signed_in(user)

    return make


@pytest.fixture
def clinician_client(client_for, clinician):
    return client_for(clinician)


# Who must be kept away from patient data: (fixture name, expected status). None is anonymous.
REFUSED = [("curator", 403), ("researcher", 403), ("outsider", 403)]


@pytest.fixture(params=[name for name, _ in REFUSED])
def refused_client(request, client_for):
    """A signed-in user without the clinician role (curator, researcher, no role)."""
    return client_for(request.getfixturevalue(request.param))


@pytest.fixture
def seeded_presets(db):
    """The literature presets that migrate seeds. Live-server tests empty the database when they end,
    so a test of that kind loads them again (the loader skips what is already there)."""
    return seed_literature_presets()


@pytest.fixture
def barletta(db):
    """The seeded Barletta preset: 4 monthly sessions, 1.0 mm, 70 Hz, triamcinolone 2.5 or 10 mg/mL."""
    from protocols.models import ProtocolPreset

    return ProtocolPreset.objects.get(slug="barletta-mmp-triamcinolone-aa")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Test databases on PostgreSQL commit without waiting for the disk: a throwaway database needs no
    durability, and the transactional tests and each worker's migrations commit often."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        database.setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
