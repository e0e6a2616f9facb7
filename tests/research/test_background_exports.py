"""Exports in the background: a bundle always, a file once it matches more sessions than the threshold. Asked on
the page, written by the task into the configured storage, followed on the page, downloaded by its creator
alone within 24 hours, each download audited."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from research.export import session_lines
from research.files import write_lines
from research.jobs import prune_expired, write_export
from research.models import ExportJob, ExportJobStatus
from research.query import ExportFilters
from tests.research.support import PAGE_URL, SESSIONS_URL
from tests.support.clients import signed_in
from tests.support.db import media_files
from tests.support.factories import SessionFactory, UserFactory
from tests.support.pages import text, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def sessions():
    return [SessionFactory() for _ in range(6)]


def ask(client, file_name, query="technique="):
    response = client.post(reverse("export-job-create"), {"file_name": file_name, "query": query})
    assert response.status_code == 302, response.status_code
    return ExportJob.objects.latest("created_at")


def run(job):
    write_export.call(str(job.pk))
    job.refresh_from_db()
    return job


def test_a_bundle_is_asked_written_by_the_task_and_downloaded_by_its_creator(client_for, researcher, sessions):
    client = client_for(researcher)

    job = ask(client, "bundle")
    queued = client.get(reverse("export-job-progress", args=[job.pk])).json()
    assert (job.status, job.rows_total, queued["download"]) == (ExportJobStatus.QUEUED, 6, None)
    listed = text_of(client.get(PAGE_URL, {"technique": ""}), "export-jobs")
    assert "bundle.zip Waiting for the worker: 0 of 6 sessions" in listed

    job = run(job)
    progress = client.get(reverse("export-job-progress", args=[job.pk])).json()
    download = client.get(progress["download"], REMOTE_ADDR="192.0.2.7")

    assert (progress["status"], progress["rows_written"], progress["percent"]) == ("done", 6, 100)
    assert download["Content-Type"] == "application/zip"
    assert "attachment" in download["Content-Disposition"] and "bundle-" in download["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as bundle:
        assert {"sessions.csv", "sessions.sav", "datapackage.json"} <= set(bundle.namelist())
    assert [path.rsplit("/", 1)[-1] for path in media_files()] == ["bundle.zip"]
    written, downloaded = AuditEvent.objects.filter(action=AuditAction.EXPORT).order_by("pk")
    assert (written.user, written.detail["file"], written.detail["complete"]) == (researcher, "bundle.zip", True)
    assert (downloaded.user, downloaded.ip_address, downloaded.detail["downloaded"]) == (researcher, "192.0.2.7", True)


def test_nobody_else_sees_or_downloads_an_export(client_for, researcher, sessions):
    job = run(ask(client_for(researcher), "bundle"))
    colleague = signed_in(UserFactory(roles=["researcher"]))

    for name in ("export-job-progress", "export-job-download"):
        assert colleague.get(reverse(name, args=[job.pk])).status_code == 404
    assert text_of(colleague.get(PAGE_URL), "export-jobs") is None
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT, detail__downloaded=True).exists()


def test_after_24_hours_an_export_is_gone(client_for, researcher, sessions):
    client = client_for(researcher)
    job = run(ask(client, "bundle"))
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert client.get(reverse("export-job-download", args=[job.pk])).status_code == 404
    prune_expired()
    assert media_files() == []


def test_a_file_over_the_threshold_is_prepared_in_the_background_not_streamed(
    client_for, researcher, sessions, settings
):
    settings.BACKGROUND_EXPORT_SESSIONS = 5
    client = client_for(researcher)

    page = text(client.get(PAGE_URL, {"technique": ""}))
    streamed = client.get(SESSIONS_URL, {"technique": ""}, follow=True)
    job = run(ask(client, "sessions"))
    download = client.get(reverse("export-job-download", args=[job.pk]))

    assert "Prepare sessions.csv" in page and f'href="{SESSIONS_URL}' not in page
    assert "too large to stream" in text(streamed)
    assert b"".join(download.streaming_content).decode() == "".join(session_lines(ExportFilters()))


@pytest.mark.parametrize(
    ("file_name", "query"),
    [("bundle", "date_from=2026-03-02"), ("passwords", "technique="), ("", "technique=mmp' OR 1=1")],
    ids=["day-level-date", "unknown-file", "no-file"],
)
def test_a_request_the_page_would_refuse_queues_nothing(file_name, query, client_for, researcher, sessions):
    response = client_for(researcher).post(
        reverse("export-job-create"), {"file_name": file_name, "query": query}, follow=True
    )

    assert "Choose valid filters and a file" in text(response)
    assert not ExportJob.objects.exists()


def test_a_file_written_in_the_background_reports_its_progress_as_it_goes():
    heard, written = [], []
    lines = ["header\r\n", *(f"row {n}\r\n" for n in range(45_000))]

    rows = write_lines(iter(lines), written.append, heard.append)

    assert (rows, heard) == (45_000, [20_000, 40_000, 45_000])
    assert written == lines
