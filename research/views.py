from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_POST

from clinic.access import role_required
from clinic.mfa import recent_second_factor_required
from clinic.roles import RESEARCHER
from research.columns import codebook_rows
from research.english import in_english
from research.export import FILES
from research.files import audited, csv_lines
from research.forms import export_form
from research.jobs import BACKGROUND_FILES, jobs_of, record_download, request_export, runs_in_background
from research.models import ExportJob, ExportJobStatus
from research.privacy import K
from research.query import privacy_plan, session_counts

researcher_required = role_required(RESEARCHER, gettext_noop("The research export is open to researchers only."))


@researcher_required
def export_page(request):
    form = export_form(request.GET or None, request.user)
    counts = report = None
    in_background = False
    if form.is_bound and form.is_valid():
        filters = form.filters()
        matching = session_counts(filters)
        counts = {name: shown_count(count) for name, count in matching.items()}
        in_background = matching["included"] > settings.BACKGROUND_EXPORT_SESSIONS
        report = privacy_plan(filters).report
    context = {
        "form": form,
        "counts": counts,
        "report": report,
        "query": request.GET.urlencode(),
        "in_background": in_background,
        "background_files": [(name, f"{name}.csv") for name in FILES],
        "jobs": jobs_of(request.user),
    }
    return render(request, "research/export.html", context)


def shown_count(count):
    """A count as the page shows it: small ones are not told exactly (one patient could be told apart)."""
    if count < K:
        return gettext("fewer than %(k)s") % {"k": K}
    return formats.number_format(count, force_grouping=True)


@researcher_required
@recent_second_factor_required
def download(request, file_name):
    if file_name != "codebook" and file_name not in FILES:
        raise Http404("No such export file.")
    form = export_form(request.GET, request.user)
    if not form.is_valid():
        return render(request, "research/export.html", {"form": form, "counts": None}, status=400)
    filters = form.filters()
    if file_name == "codebook":
        return _csv_response(in_english(csv_lines(codebook_rows(filters))), "codebook")
    if runs_in_background(file_name, filters):
        messages.info(request, gettext("This file is too large to stream: prepare it in the background below."))
        return redirect(f"{reverse('export')}?{request.GET.urlencode()}")
    lines = audited(
        in_english(FILES[file_name](filters)),
        file_name=f"{file_name}.csv",
        filters=filters,
        user=request.user,
        joined=True,
    )
    return _csv_response(lines, file_name)


def _csv_response(lines, file_name):
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="{file_name}-{stamp}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@researcher_required
@recent_second_factor_required
@require_POST
def job_create(request):
    """Queue a bundle, or a file too large to stream, for the worker; back to the page, which follows it."""
    query = request.POST.get("query", "")
    form = export_form(QueryDict(query), request.user)
    file_name = request.POST.get("file_name", "")
    if file_name not in BACKGROUND_FILES or not form.is_valid():
        messages.error(request, gettext("Choose valid filters and a file, then ask again."))
        return redirect("export")
    request_export(user=request.user, file_name=file_name, query=query, filters=form.filters())
    messages.success(request, gettext("Your export is being prepared: it appears below, and stays 24 hours."))
    return redirect(f"{reverse('export')}?{query}")


def _own_job(request, pk):
    """The user's own export, still kept: anyone else's, or an expired one, is not found."""
    return get_object_or_404(ExportJob, pk=pk, requested_by=request.user, expires_at__gt=timezone.now())


@researcher_required
def job_progress(request, pk):
    job = _own_job(request, pk)
    done = job.status == ExportJobStatus.DONE
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "rows_written": job.rows_written,
            "rows_total": job.rows_total,
            "percent": 100 if done else job.percent,
            "download": reverse("export-job-download", args=[job.pk]) if done else None,
        }
    )


@researcher_required
@recent_second_factor_required
def job_download(request, pk):
    job = _own_job(request, pk)
    if job.status != ExportJobStatus.DONE or not job.file:
        raise Http404("This export is not ready.")
    record_download(job, request)
    content_type = "application/zip" if job.file_name == "bundle" else "text/csv; charset=utf-8"
    stamp = job.created_at.astimezone(timezone.get_current_timezone()).strftime("%Y%m%d")
    name = job.download_name.replace(".", f"-{stamp}.", 1)
    response = FileResponse(job.file.open("rb"), as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
