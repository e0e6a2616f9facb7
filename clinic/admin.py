from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from simple_history.admin import SimpleHistoryAdmin

from audit.admin_writes import AuditedWritesMixin, relation_change_recorded
from audit.models import AuditAction
from audit.services import record_event, record_list_view
from clinic import consent_services
from clinic.consent_models import ConsentDocument
from clinic.forms import RangeCheckedModelForm
from clinic.models import Device, Lot, NeedleCartridge, Patient, Product, User
from clinic.versioning import VersionStatus
from clinic.versioning_admin import VersionedAdminMixin

# Refusals stay in English in the exception (the audit trail records it); 403.html translates them.
HISTORY_READ_ONLY = gettext_noop("History is read-only here.")

# Second factors are not browsed in the admin (an authenticator's page there shows its secret key): an
# administrator can only reset a user's factors, who then enrols again at the next sign-in.
SECOND_FACTOR_MODELS = (TOTPDevice, StaticDevice, WebAuthnCredential)
for model in SECOND_FACTOR_MODELS:
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(User)
class StaffAdmin(AuditedWritesMixin, UserAdmin):
    """Staff accounts: every change (roles included) and every password set here is in the audit trail."""

    actions = ["reset_second_factors"]
    # The pages' language, set by the person from the menu on any page, or here when the account is made.
    fieldsets = (
        UserAdmin.fieldsets[0],
        (UserAdmin.fieldsets[1][0], {"fields": (*UserAdmin.fieldsets[1][1]["fields"], "language")}),
        *UserAdmin.fieldsets[2:],
    )
    add_fieldsets = (
        (None, {**UserAdmin.add_fieldsets[0][1], "fields": (*UserAdmin.add_fieldsets[0][1]["fields"], "language")}),
    )

    def save_related(self, request, form, formsets, change):
        roles = form.instance.groups
        with relation_change_recorded(form.instance, "roles", lambda: sorted(roles.values_list("name", flat=True))):
            super().save_related(request, form, formsets, change)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            record_event(AuditAction.PASSWORD_CHANGED, user, detail={"via": "admin", "by": request.user.username})
        return response

    @admin.action(description=_("Reset their second factors (they set up a new one at their next sign-in)"))
    def reset_second_factors(self, request, users):
        for user in users:
            for model in SECOND_FACTOR_MODELS:
                model.objects.filter(user=user).delete()
            record_event(AuditAction.MFA_REMOVED, user, detail={"factor": "all", "reset_by": request.user.username})
        self.message_user(
            request, gettext("Second factors reset for %(count)s user(s).") % {"count": len(users)}, messages.SUCCESS
        )


class ReadOnlyHistoryMixin:
    """simple-history's pages, for looking only: no revert, and a malformed id is a 404, not a crash."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_view(self, request, object_id, extra_context=None):
        self._refuse_malformed_ids(object_id)
        response = super().history_view(request, object_id, extra_context)
        self.record_view(request, object_id, response)
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history's form view would save a POSTed old version: never here.
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied(HISTORY_READ_ONLY)
        self._refuse_malformed_ids(object_id, version_id)
        response = super().history_form_view(request, object_id, version_id, extra_context)
        self.record_view(request, object_id, response)
        return response

    def record_view(self, request, object_id, response):
        """Overridden where looking at a record must be audited."""

    def _refuse_malformed_ids(self, object_id, version_id=None):
        try:
            self.model._meta.pk.to_python(object_id)
            if version_id is not None:
                self.model.history.model._meta.pk.to_python(version_id)
        except ValidationError:
            raise Http404("No such record.") from None


class ReadOnlyClinicalAdmin(ReadOnlyHistoryMixin, SimpleHistoryAdmin):
    """Clinical records are browsed here by superusers, never written: every write goes through
    the audited services (versions, reasons, audit trail), and nothing clinical is ever deleted.
    Opening a record here is audited like opening it in the app."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        # Model permissions alone must not open patient data to someone without the clinical role.
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        self.record_view(request, object_id, response)
        return response

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        change_list = getattr(response, "context_data", {}).get("cl")
        if response.status_code == 200 and change_list is not None:
            listed = [record.pk for record in change_list.result_list]
            record_list_view(
                self.model, listed, via="admin", **({"search": change_list.query} if change_list.query else {})
            )
        return response

    def record_view(self, request, object_id, response):
        if response.status_code == 200:
            record = self.model._base_manager.filter(pk=object_id).first()
            if record is not None:
                record_event(AuditAction.VIEW, record, detail={"via": "admin"})


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


class RangeCheckedAdmin(AuditedWritesMixin, ReadOnlyHistoryMixin, SimpleHistoryAdmin):
    """Equipment and stock are entered here: their values are held to the same ranges as in the app; every add,
    change and delete is audited, and each record's history is kept (read-only here)."""

    form = RangeCheckedModelForm


@admin.register(Device)
class DeviceAdmin(RangeCheckedAdmin):
    list_display = ["__str__", "kind", "active", "is_demo"]
    list_filter = ["kind", "active", "is_demo"]
    search_fields = ["manufacturer", "model_name", "serial_number"]


@admin.register(NeedleCartridge)
class NeedleCartridgeAdmin(RangeCheckedAdmin):
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
class ProductAdmin(RangeCheckedAdmin):
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
class LotAdmin(RangeCheckedAdmin):
    list_display = ["number", "product", "expiry_date"]
    list_filter = ["product"]
    search_fields = ["number", "product__name"]
    list_select_related = ["product"]


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(AuditedWritesMixin, GroupAdmin):
    """The role groups: changes to them (their admin permissions) are audited."""

    def save_related(self, request, form, formsets, change):
        granted = form.instance.permissions
        with relation_change_recorded(
            form.instance, "permissions", lambda: sorted(granted.values_list("codename", flat=True))
        ):
            super().save_related(request, form, formsets, change)


def is_admin(request):
    return request.user.is_active and request.user.is_superuser


@admin.register(ConsentDocument)
class ConsentDocumentAdmin(VersionedAdminMixin, AuditedWritesMixin, ReadOnlyHistoryMixin, SimpleHistoryAdmin):
    """Administrators write the consent documents here. Like the presets, published and retired versions are
    frozen: to change one, make a new draft version ("New version" action), edit it, then publish it."""

    list_display = ["title", "purpose", "technique", "version", "status"]
    list_filter = ["purpose", "technique", "status"]
    search_fields = ["title", "text"]
    readonly_fields = ["status", "version"]
    version_services = consent_services
    version_noun = "document"

    def get_readonly_fields(self, request, obj=None):
        # What a document is for ties its versions together: fixed once created.
        return [*self.readonly_fields, "purpose", "technique"] if obj is not None else self.readonly_fields

    def has_module_permission(self, request):
        return is_admin(request)

    def has_view_permission(self, request, obj=None):
        return is_admin(request)

    def has_add_permission(self, request):
        return is_admin(request)

    def has_change_permission(self, request, obj=None):
        return is_admin(request) and (obj is None or obj.status == VersionStatus.DRAFT)

    def has_delete_permission(self, request, obj=None):
        return False
