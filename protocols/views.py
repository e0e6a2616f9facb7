from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from clinic.access import has_role
from clinic.parsing import positive_int
from clinic.roles import CURATOR
from clinic.vocabularies import Diagnosis, Technique
from protocols.models import EvidenceType, PresetStatus, ProtocolPreset

MAX_COMPARED = 6


def _choice(request, name, choices):
    """A filter value from the query string, kept only if it is one of the allowed choices."""
    value = request.GET.get(name, "")
    return value if value in choices else ""


@login_required
def preset_list(request):
    technique = _choice(request, "technique", Technique.values)
    evidence = _choice(request, "evidence", EvidenceType.values)
    indication = _choice(request, "indication", Diagnosis.values)
    show_retired = request.GET.get("retired") == "1"
    statuses = [PresetStatus.PUBLISHED, PresetStatus.RETIRED] if show_retired else [PresetStatus.PUBLISHED]
    presets = ProtocolPreset.objects.filter(status__in=statuses).prefetch_related("blend_components")
    if technique:
        presets = presets.for_technique(technique)
    if evidence:
        presets = presets.filter(evidence_type=evidence)
    if indication:
        presets = presets.with_indication(indication)
    presets = presets.order_by("technique", "name", "-version")
    context = {
        "presets": presets,
        "techniques": Technique.choices,
        "evidence_types": EvidenceType.choices,
        "indications": Diagnosis.choices,
        "selected": {"technique": technique, "evidence": evidence, "indication": indication},
        "show_retired": show_retired,
    }
    return render(request, "protocols/preset_list.html", context)


@login_required
def preset_detail(request, slug, version):
    """A preset of the library; a draft only for curators, who preview it here before they publish it."""
    shown = ProtocolPreset.objects.all()
    if not has_role(request.user, CURATOR):
        shown = shown.exclude(status=PresetStatus.DRAFT)
    preset = get_object_or_404(shown.prefetch_related("blend_components"), slug=slug, version=version)
    versions = shown.filter(slug=slug).order_by("-version")
    context = {"preset": preset, "presets": [preset], "versions": versions}
    return render(request, "protocols/preset_detail.html", context)


@login_required
def preset_compare(request):
    chosen = [pk for pk in map(positive_int, request.GET.getlist("preset")) if pk is not None][:MAX_COMPARED]
    presets = list(
        ProtocolPreset.objects.exclude(status=PresetStatus.DRAFT)
        .filter(pk__in=chosen)
        .prefetch_related("blend_components")
        .order_by("technique", "name")
    )
    return render(request, "protocols/preset_compare.html", {"presets": presets, "max_compared": MAX_COMPARED})
