"""The export page with its counts costs the same number of queries at 10 sessions as at 1,000."""

import pytest

from sessions.models import TreatmentSession
from tests.research.support import PAGE_URL
from tests.support.db import count_queries
from tests.support.factories import PatientFactory, SessionFactory

REQUESTS = ["", "?technique=", "?technique=mmp&include_demo=on", "?diagnosis=fphl&date_from=2020-01-01"]


def add_sessions(count, template):
    values = TreatmentSession.objects.filter(pk=template.pk).values().get()
    del values["id"]
    TreatmentSession.objects.bulk_create(TreatmentSession(**values) for _ in range(count))


@pytest.mark.django_db
def test_the_export_page_runs_as_many_queries_for_1000_sessions_as_for_10(client_for, researcher):
    client = client_for(researcher)
    consenting = SessionFactory()
    without_consent = SessionFactory(patient=PatientFactory(research_consent=False, research_consent_date=None))
    add_sessions(8, consenting)
    at_10 = {url: count_queries(client, PAGE_URL + url) for url in REQUESTS}

    add_sessions(490, consenting)
    add_sessions(500, without_consent)
    at_1000 = {url: count_queries(client, PAGE_URL + url) for url in REQUESTS}

    assert TreatmentSession.objects.count() == 1000
    assert at_1000 == at_10
