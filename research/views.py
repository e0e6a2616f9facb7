from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from clinic.access import role_required
from clinic.mfa import recent_second_factor_required
from clinic.roles import RESEARCHER
from research.columns import codebook_rows
from research.export import FILES
from research.files import audited, csv_lines
from research.forms import ExportForm
from research.query import session_counts

researcher_required = role_required(RESEARCHER, "The research export is open to researchers only.")


@researcher_required
def export_page(request):
    form = ExportForm(request.GET or None)
    counts = None
    if form.is_bound and form.is_valid():
        counts = session_counts(form.filters())
    return render(request, "research/export.html", {"form": form, "counts": counts, "query": request.GET.urlencode()})


@researcher_required
@recent_second_factor_required
def download(request, file_name):
    if file_name == "codebook":
        return _csv_response(csv_lines(codebook_rows()), "codebook")
    if file_name not in FILES:
        raise Http404("No such export file.")
    form = ExportForm(request.GET)
    if not form.is_valid():
        return render(request, "research/export.html", {"form": form, "counts": None}, status=400)
    filters = form.filters()
    lines = audited(FILES[file_name](filters), file_name=f"{file_name}.csv", filters=filters, user=request.user)
    return _csv_response(lines, file_name)


def _csv_response(lines, file_name):
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="{file_name}-{stamp}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
