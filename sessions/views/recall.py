"""Lot recall: every patient and session that received a lot, on a page and as a CSV for recall letters."""

import csv
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from audit.models import AuditAction
from audit.services import record_event, record_list_view
from clinic.access import clinician_required
from clinic.models import Patient
from sessions.forms import LotRecallForm
from sessions.recall import find_lot, letter_rows, received_by

SESSIONS_PER_PAGE = 50


@clinician_required
def lot_recall(request):
    form = LotRecallForm(request.GET if "lot" in request.GET else None)
    context = {"form": form}
    if form.is_valid():
        recall = find_lot(form.cleaned_data["lot"])
        record_event(AuditAction.SEARCH, detail={"lot_recall": recall.number, **_found(recall)})
        page = Paginator(recall.sessions(), SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
        rows = [row for session in page.object_list for row in received_by(session)]
        record_list_view(Patient, dict.fromkeys(row.session.patient_id for row in rows), lot_recall=recall.number)
        context |= {"recall": recall, "page": page, "rows": rows, "query": urlencode({"lot": recall.number})}
    return render(request, "sessions/lot_recall.html", context)


@clinician_required
def lot_recall_csv(request):
    form = LotRecallForm(request.GET)
    if not form.is_valid():
        return render(request, "sessions/lot_recall.html", {"form": form}, status=400)
    recall = find_lot(form.cleaned_data["lot"])
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="lot-recall.csv"', "Cache-Control": "no-store"},
    )
    response.write("\ufeff")  # spreadsheet programs then read the names as UTF-8
    rows = list(letter_rows(recall))  # one lot's sessions: thousands of rows at most
    csv.writer(response).writerows(rows)
    detail = {"file": "lot-recall.csv", "lot_recall": recall.number, **_found(recall), "rows": len(rows) - 1}
    record_event(AuditAction.EXPORT, detail={**detail, "pks": sorted(map(str, recall.patient_ids))})
    return response


def _found(recall):
    return {"patients": len(recall.patient_ids), "sessions": len(recall.session_ids)}
