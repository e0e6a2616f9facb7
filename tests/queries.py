from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url):
    """How many queries one GET of the page runs (after a first, warming request)."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)
