"""How `make test` shares the suite among its pytest-xdist workers, each on a test database of its own.

pytest-django runs the transactional tests (live server, transaction=True) after all the others: their
flush empties the database, the presets that migrate seeds included. tests/conftest.py orders the
collection in three stretches (tests without a database, then database tests, then transactional ones,
the larger files first in each), and the scheduler below hands out work in that order, one unit per
stretch of one file, so each worker still runs its transactional tests last.
"""

from collections import Counter

from pytest_django.fixtures import validate_django_db
from xdist.scheduler import LoadFileScheduling


def _stretch(item):
    """0: no database; 1: a database test inside a transaction; 2: transactional (its end flushes)."""
    marker = item.get_closest_marker("django_db")
    transaction, reset_sequences, *_ = validate_django_db(marker) if marker else (False, False)
    fixtures = set(item.fixturenames)
    if transaction or reset_sequences or {"transactional_db", "live_server"} & fixtures:
        return 2
    return 1 if marker or "db" in fixtures else 0


def _file(nodeid):
    return nodeid.partition("::")[0]


def order_for_workers(items):
    """Sorts the collected tests into the three stretches, the files with most tests first within each."""
    stretch = {item: _stretch(item) for item in items}
    sizes = Counter((stretch[item], _file(item.nodeid)) for item in items)
    position = {item: index for index, item in enumerate(items)}
    items.sort(
        key=lambda item: (
            stretch[item],
            -sizes[stretch[item], _file(item.nodeid)],
            _file(item.nodeid),
            position[item],
        )
    )


class FileStretchScheduling(LoadFileScheduling):
    """--dist loadfile, taken in collection order, with a file's tests split where they are apart in the
    collection: its transactional tests are a unit of their own, handed out after the other tests."""

    def schedule(self):
        if self.collection is None and self.registered_collections:
            self._units = {}
            unit, previous = 0, None
            for nodeid in next(iter(self.registered_collections.values())):
                unit += _file(nodeid) != previous
                previous = _file(nodeid)
                self._units[nodeid] = f"{previous}#{unit}"
        super().schedule()

    def _split_scope(self, nodeid):
        return self._units[nodeid]
