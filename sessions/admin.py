from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from clinic.forms import RangeCheckedModelForm
from sessions.models import BlendComponent, SessionPhoto, TreatmentSession


class BlendComponentInline(admin.TabularInline):
    form = RangeCheckedModelForm
    model = BlendComponent
    extra = 0
    autocomplete_fields = ["product", "lot"]


class SessionPhotoInline(admin.TabularInline):
    # Files are shown through the access-checked photo view, never through a media URL.
    form = RangeCheckedModelForm
    model = SessionPhoto
    extra = 0
    can_delete = False
    fields = ["phase", "view", "taken_at", "uploaded_by", "open_photo"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="photo")
    def open_photo(self, photo):
        return format_html('<a href="{}">open</a>', reverse("photo-file", args=[photo.pk]))


@admin.register(TreatmentSession)
class TreatmentSessionAdmin(admin.ModelAdmin):
    form = RangeCheckedModelForm
    list_display = ["performed_at", "patient", "technique", "clinician", "needle_depth_mm", "frequency_hz", "is_demo"]
    list_filter = ["technique", "is_demo"]
    list_select_related = ["patient", "clinician"]
    search_fields = ["patient__record_number"]
    date_hierarchy = "performed_at"
    raw_id_fields = ["patient"]
    readonly_fields = ["is_demo", "created_at", "updated_at"]
    inlines = [BlendComponentInline, SessionPhotoInline]
