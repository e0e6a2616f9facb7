from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from clinic.forms import RangeCheckedModelForm
from clinic.models import Device, Lot, NeedleCartridge, Patient, Product, User

admin.site.register(User, UserAdmin)


class ReadOnlyClinicalAdmin(SimpleHistoryAdmin):
    """Clinical records are browsed here, never written: every write goes through the audited
    services (versions, reasons, audit trail), and nothing clinical is ever deleted."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Patient)
class PatientAdmin(ReadOnlyClinicalAdmin):
    list_display = [
        "record_number",
        "last_name",
        "first_name",
        "diagnosis",
        "photo_consent",
        "research_consent",
        "is_demo",
    ]
    list_filter = ["diagnosis", "sex", "photo_consent", "research_consent", "is_demo"]
    search_fields = ["record_number", "last_name", "first_name"]
    readonly_fields = ["is_demo", "created_at", "updated_at"]


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    form = RangeCheckedModelForm
    list_display = ["__str__", "kind", "active", "is_demo"]
    list_filter = ["kind", "active", "is_demo"]
    search_fields = ["manufacturer", "model_name", "serial_number"]


@admin.register(NeedleCartridge)
class NeedleCartridgeAdmin(admin.ModelAdmin):
    form = RangeCheckedModelForm
    list_display = [
        "name",
        "configuration",
        "needle_count",
        "needle_diameter_mm",
        "needle_length_mm",
        "gauge",
        "active",
    ]
    list_filter = ["configuration", "active", "is_demo"]
    search_fields = ["name"]


class LotInline(admin.TabularInline):
    form = RangeCheckedModelForm
    model = Lot
    extra = 1


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    form = RangeCheckedModelForm
    list_display = [
        "name",
        "kind",
        "active_ingredient",
        "default_concentration",
        "default_concentration_unit",
        "active",
    ]
    list_filter = ["kind", "active", "is_demo"]
    search_fields = ["name", "active_ingredient"]
    inlines = [LotInline]


@admin.register(Lot)
class LotAdmin(admin.ModelAdmin):
    form = RangeCheckedModelForm
    list_display = ["number", "product", "expiry_date"]
    list_filter = ["product"]
    search_fields = ["number", "product__name"]
    list_select_related = ["product"]
