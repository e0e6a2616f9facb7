from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit.changelists import BoundedDateFiltersMixin
from clinic.admin import ReadOnlyClinicalAdmin
from sessions.models import BlendComponent, SessionPhoto, TreatmentSession


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class BlendComponentInline(ReadOnlyInline):
    model = BlendComponent
    fields = ["product", "lot", "concentration", "concentration_unit", "volume_ml", "voided_at", "void_reason"]
    readonly_fields = fields


class SessionPhotoInline(ReadOnlyInline):
    # Files are shown through the access-checked photo view, never through a media URL.
    model = SessionPhoto
    fields = ["phase", "view", "taken_at", "uploaded_by", "voided_at", "void_reason", "open_photo"]
    readonly_fields = fields

    @admin.display(description=_("photo"))
    def open_photo(self, photo):
        return format_html('<a href="{}">{}</a>', reverse("photo-file", args=[photo.pk]), _("open"))


@admin.register(TreatmentSession)
class TreatmentSessionAdmin(BoundedDateFiltersMixin, ReadOnlyClinicalAdmin):
    list_display = ["performed_at", "patient", "technique", "clinician", "needle_depth_mm", "frequency_hz", "is_demo"]
    list_filter = ["technique", "is_demo"]
    list_select_related = ["patient", "clinician"]
    search_fields = ["patient__record_number"]
    date_hierarchy = "performed_at"
    raw_id_fields = ["patient"]
    readonly_fields = ["is_demo", "created_at", "updated_at"]
    inlines = [BlendComponentInline, SessionPhotoInline]
