from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from clinic.access import role_required
from clinic.mfa import recent_second_factor_required
from clinic.roles import RESEARCHER
from research.columns import codebook_rows
from research.export import FILES
from research.files import audited, csv_lines
from research.forms import export_form
from research.privacy import K
from research.query import privacy_plan, session_counts

researcher_required = role_required(RESEARCHER, "The research export is open to researchers only.")


@researcher_required
def export_page(request):
    form = export_form(request.GET or None, request.user)
    counts = report = None
    if form.is_bound and form.is_valid():
        filters = form.filters()
        counts = {name: shown_count(count) for name, count in session_counts(filters).items()}
        report = privacy_plan(filters).report
    context = {"form": form, "counts": counts, "report": report, "query": request.GET.urlencode()}
    return render(request, "research/export.html", context)


def shown_count(count):
    """A count as the page shows it: small ones are not told exactly (one patient could be told apart)."""
    return f"fewer than {K}" if count < K else f"{count:,}"


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
        return _csv_response(csv_lines(codebook_rows(filters)), "codebook")
    lines = audited(FILES[file_name](filters), file_name=f"{file_name}.csv", filters=filters, user=request.user)
    return _csv_response(lines, file_name)


def _csv_response(lines, file_name):
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="{file_name}-{stamp}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
