from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from audit.admin_writes import AuditedWritesMixin
from clinic.roles import RESEARCHER
from research.models import DataUseAgreement


@admin.register(DataUseAgreement)
class DataUseAgreementAdmin(AuditedWritesMixin, SimpleHistoryAdmin):
    """Granting a researcher the limited data set (exact dates) under a signed agreement; revoking it by its
    date. Every write is audited with what changed, and the agreement keeps its history."""

    list_display = ["reference", "researcher", "starts_on", "ends_on", "revoked_at", "granted_by"]
    list_filter = ["revoked_at"]
    search_fields = ["reference", "researcher__username"]
    readonly_fields = ["granted_by", "created_at"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "researcher":
            kwargs["queryset"] = db_field.related_model.objects.filter(groups__name=RESEARCHER).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)
