"""Stored departures of the blend, reworded as the departures module now writes them: "blend: not used (preset X in
the blend)" becomes "blend: X in the preset, not used", and "blend: Y added (preset not in the preset)" becomes
"blend: Y added, not in the preset". Only the sessions holding one are read; nothing else changes."""

import re

from django.db import migrations
from django.db.models import Q

MISSING = re.compile(r"blend: not used \(preset ([^;]*?) in the blend\)")
ADDED = re.compile(r"blend: ([^;]*?) added \(preset not in the preset\)")


def reworded(summary):
    return ADDED.sub(r"blend: \1 added, not in the preset", MISSING.sub(r"blend: \1 in the preset, not used", summary))


def reword(apps, schema_editor):
    TreatmentSession = apps.get_model("treatments", "TreatmentSession")
    old = Q(deviation_summary__contains=" in the blend)") | Q(deviation_summary__contains="(preset not in the preset)")
    changed = []
    for session in TreatmentSession.objects.filter(old).only("pk", "deviation_summary").iterator(chunk_size=2000):
        session.deviation_summary = reworded(session.deviation_summary)
        changed.append(session)
        if len(changed) == 2000:
            TreatmentSession.objects.bulk_update(changed, ["deviation_summary"])
            changed = []
    TreatmentSession.objects.bulk_update(changed, ["deviation_summary"])


class Migration(migrations.Migration):
    dependencies = [("treatments", "0008_current_sessions_by_patient")]

    operations = [migrations.RunPython(reword, migrations.RunPython.noop)]
