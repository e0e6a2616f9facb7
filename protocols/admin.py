from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from audit.models import AuditAction
from audit.services import diff, record_event, snapshot, stored_snapshot
from clinic.access import has_role
from clinic.admin import ReadOnlyHistoryMixin
from clinic.forms import RangeCheckedModelForm
from clinic.roles import CURATOR
from clinic.versioning_admin import VersionedAdminMixin
from clinic.vocabularies import Diagnosis
from protocols import services
from protocols.models import PresetBlendComponent, PresetStatus, ProtocolPreset


def is_curator(request):
    return request.user.is_staff and has_role(request.user, CURATOR)


def _blend_lines(preset):
    return [str(component) for component in preset.blend_components.order_by("pk")]


def _https_urls(field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class PresetAdminForm(RangeCheckedModelForm):
    indications = forms.MultipleChoiceField(
        choices=Diagnosis.choices, required=False, widget=forms.CheckboxSelectMultiple, label=_("Indications")
    )

    class Meta:
        model = ProtocolPreset
        fields = "__all__"
        formfield_callback = _https_urls


class IndicationFilter(admin.SimpleListFilter):
    title = _("indication")
    parameter_name = "indication"

    def lookups(self, request, model_admin):
        return Diagnosis.choices

    def queryset(self, request, queryset):
        if self.value() not in Diagnosis.values:
            return queryset
        # A short JSON list on a few dozen presets: filtered here so it works on every database.
        return queryset.filter(
            pk__in=[p.pk for p in queryset.only("pk", "indications") if self.value() in p.indications]
        )


class PresetBlendInline(admin.StackedInline):
    """Stacked, not tabular: each field with its own label (screen readers), and the page no wider than a desk's
    screen however many columns a blend row has."""

    model = PresetBlendComponent
    form = RangeCheckedModelForm
    extra = 0

    def has_add_permission(self, request, obj=None):
        return is_curator(request) and (obj is None or obj.status == PresetStatus.DRAFT)

    def has_change_permission(self, request, obj=None):
        return is_curator(request) and (obj is None or obj.status == PresetStatus.DRAFT)

    def has_delete_permission(self, request, obj=None):
        return is_curator(request) and (obj is None or obj.status == PresetStatus.DRAFT)

    def has_view_permission(self, request, obj=None):
        return is_curator(request)


@admin.register(ProtocolPreset)
class ProtocolPresetAdmin(VersionedAdminMixin, ReadOnlyHistoryMixin, SimpleHistoryAdmin):
    """Curators keep the presets here. Published and retired versions are frozen: to change one,
    make a new draft version ("New version" action), edit it, then publish it."""

    form = PresetAdminForm
    list_display = ["name", "version", "status", "technique", "evidence_type", "year"]
    list_filter = ["technique", IndicationFilter, "status", "evidence_type"]
    search_fields = ["name", "authors", "title", "doi", "pmid", "slug"]
    readonly_fields = ["status", "version"]

    def get_readonly_fields(self, request, obj=None):
        # The slug ties the versions of a preset together (and patients' courses): fixed once created.
        return [*self.readonly_fields, "slug"] if obj is not None else self.readonly_fields

    inlines = [PresetBlendInline]
    version_services = services
    version_noun = "preset"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_module_permission(self, request):
        return is_curator(request)

    def has_view_permission(self, request, obj=None):
        return is_curator(request)

    def has_add_permission(self, request):
        return is_curator(request)

    def has_change_permission(self, request, obj=None):
        return is_curator(request) and (obj is None or obj.status == PresetStatus.DRAFT)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # What the preset and its blend were, for the one audit event written once the blend is saved too.
        if change:
            stored = ProtocolPreset.objects.get(pk=obj.pk)
            obj._audit_before = {**snapshot(stored), "blend": _blend_lines(stored)}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        preset = form.instance
        if not change:
            record_event(AuditAction.CREATE, preset)
        elif changes := diff(preset._audit_before, {**stored_snapshot(preset), "blend": _blend_lines(preset)}):
            record_event(AuditAction.UPDATE, preset, changes=changes)
