from django.contrib import admin

from audit.changelists import BoundedDateFiltersMixin
from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(BoundedDateFiltersMixin, admin.ModelAdmin):
    """Admins browse and filter the trail; nobody adds, changes or deletes through here."""

    list_display = ["at", "username", "action", "object_type", "object_id", "ip_address"]
    list_filter = ["action", "object_type", ("at", admin.DateFieldListFilter)]
    search_fields = ["username", "object_id", "ip_address"]
    date_hierarchy = "at"
    fields = [
        "at",
        "user",
        "username",
        "ip_address",
        "action",
        "object_type",
        "object_id",
        "changes",
        "reason",
        "detail",
    ]
    readonly_fields = fields
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser
