"""Exports written in the background: a bundle always, a file when it matches more sessions than
BACKGROUND_EXPORT_SESSIONS. The page asks (request_export), django-tasks' database worker writes
(write_export), the file goes to the configured storage (local or S3: any app server can serve it), kept
ExportJob.KEPT_HOURS for its creator only."""

import logging
import tempfile

from django.conf import settings
from django.core.files import File
from django.db import connection, connections
from django.http import QueryDict
from django.utils import timezone
from django_tasks import task

from audit.models import AuditAction
from audit.services import record_event
from research.bundle import write_bundle
from research.english import english
from research.export import FILES
from research.files import record_export, write_lines
from research.forms import export_form
from research.models import ExportJob, ExportJobStatus
from research.query import count_sessions

logger = logging.getLogger(__name__)
BACKGROUND_FILES = [*FILES, "bundle"]


def runs_in_background(file_name, filters):
    return file_name == "bundle" or count_sessions(filters) > settings.BACKGROUND_EXPORT_SESSIONS


def request_export(*, user, file_name, query, filters):
    """Queue the export; the job's creator alone will see and download it."""
    job = ExportJob.objects.create(
        requested_by=user,
        file_name=file_name,
        query=query,
        described=filters.described(),
        rows_total=count_sessions(filters),
    )
    write_export.enqueue(str(job.pk))
    return job


def jobs_of(user):
    """The user's exports still kept, newest first."""
    return ExportJob.objects.filter(requested_by=user, expires_at__gt=timezone.now())


@task()
def write_export(job_id):
    """Write the job's file, in English whatever the language of the page that asked for it."""
    with english():
        _write_export(job_id)


def _write_export(job_id):
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    prune_expired()
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJobStatus.RUNNING)
    # The filters are read again as the page reads them, with the creator's agreement as it stands now.
    form = export_form(QueryDict(job.query), job.requested_by)
    rows, complete = 0, False
    try:
        if not form.is_valid():
            raise ValueError("The filters are no longer valid: " + "; ".join(form.errors.get_json_data()))
        filters = form.filters()
        with _Progress(job) as progress, tempfile.TemporaryFile() as written:
            rows = _write(job.file_name, filters, written, progress)
            written.seek(0)
            job.file.save(f"{job.pk}/{job.download_name}", File(written), save=False)
        complete = True
        job.status, job.rows_written = ExportJobStatus.DONE, rows
    except Exception as error:
        logger.exception("Background export %s failed", job.pk)
        job.status, job.error = ExportJobStatus.FAILED, type(error).__name__
        raise
    finally:
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "rows_written", "file", "error", "finished_at"])
        if form.is_bound and form.is_valid():
            record_export(
                file_name=job.download_name,
                filters=form.filters(),
                rows=rows,
                complete=complete,
                user=job.requested_by,
            )


def _write(file_name, filters, target, progress):
    if file_name == "bundle":
        return write_bundle(filters, target, progress=progress)["sessions"]
    return write_lines(FILES[file_name](filters), lambda line: target.write(line.encode("utf-8")), progress)


class _Progress:
    """Writes the rows done so far where the page reads them, on a connection of its own: the export's own reads
    one snapshot in a transaction that commits nothing until the end. SQLite allows no second writer meanwhile:
    there the page learns the count at the end (SQLite clinics export small files)."""

    def __init__(self, job):
        self.job = job
        self.connection = None

    def __enter__(self):
        if connection.vendor == "postgresql":
            self.connection = connections.create_connection("default")
        return self

    def __call__(self, rows):
        if self.connection is None:
            return
        with self.connection.cursor() as cursor:
            cursor.execute("UPDATE research_exportjob SET rows_written = %s WHERE id = %s", [rows, self.job.pk])

    def __exit__(self, *exc):
        if self.connection is not None:
            self.connection.close()


def prune_expired(now=None):
    """Delete the files of expired exports (their rows stay, as a record of what was written)."""
    for job in ExportJob.objects.filter(expires_at__lte=now or timezone.now()).exclude(file=""):
        job.file.delete(save=False)
        ExportJob.objects.filter(pk=job.pk).update(file="")


def record_download(job, request):
    record_event(
        AuditAction.EXPORT,
        user=request.user,
        detail={
            "file": job.download_name,
            "job": str(job.pk),
            "filters": job.described,
            "rows": job.rows_written,
            "downloaded": True,
        },
    )
