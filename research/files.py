"""Turning row generators into CSV (RFC 4180, UTF-8), and recording each export in the audit trail."""

import csv

from audit.context import current_actor
from audit.models import AuditAction
from audit.services import record_event


class _Line:
    def write(self, line):
        return line


def csv_lines(rows):
    """One CSV line per row, quoted as RFC 4180 asks, ending in CRLF."""
    writer = csv.writer(_Line())
    for row in rows:
        yield writer.writerow(row)


def audited(rows, *, file_name, filters, user=None, username=""):
    """Pass the rows (or CSV lines: the first is the header either way) through and, when the export
    ends (finished or broken off), record it: the one way the page and the shell record an export.
    Who and from where are taken now: a streamed file ends after the request's own bookkeeping is gone."""
    return _audited(rows, file_name=file_name, filters=filters, user=user, username=username, actor=current_actor.get())


def _audited(rows, *, file_name, filters, user, username, actor):
    count = -1  # the header is not a row of data
    complete = False
    try:
        for row in rows:
            count += 1
            yield row
        complete = True
    finally:
        # Close the source first: it holds a transaction that would roll the audit row back with it.
        rows.close()
        record_export(
            file_name=file_name,
            filters=filters,
            rows=count,
            complete=complete,
            user=user or actor.user,
            username=username,
            ip_address=actor.ip_address,
        )


def record_export(*, file_name, filters, rows, complete, user=None, username="", ip_address=None):
    record_event(
        AuditAction.EXPORT,
        user=user,
        username=username,
        ip_address=ip_address,
        detail={"file": file_name, "filters": filters.described(), "rows": max(rows, 0), "complete": complete},
    )
