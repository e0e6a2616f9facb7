"""The admin side of versioned texts (clinic/versioning.py), for presets and consent documents alike: the list's
publish, retire and new-version actions, and "Save and publish" on a draft's page (the submit_line template)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect


class VersionedAdminMixin:
    """Set `version_services` (a module with publish, retire and new_version) and `version_noun` ("preset")."""

    version_services = None
    version_noun = "version"
    actions = ["publish_selected", "retire_selected", "new_version_of_selected"]

    def _admin_url(self, view):
        return f"admin:{self.opts.app_label}_{self.opts.model_name}_{view}"

    def response_change(self, request, obj):
        """ "Save and publish": the draft is saved as edited, then published as the list's action publishes it (the
        version before it retired); a draft that cannot be published stays open, saying why."""
        if "_publish" not in request.POST:
            return super().response_change(request, obj)
        try:
            self.version_services.publish(obj)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self._admin_url("change"), obj.pk)
        messages.success(request, f"“{obj}” is saved and published.")
        return redirect(self._admin_url("changelist"))

    @admin.action(description="Publish the selected drafts")
    def publish_selected(self, request, queryset):
        self._apply(request, queryset, self.version_services.publish, "published")

    @admin.action(description="Retire the selected versions")
    def retire_selected(self, request, queryset):
        self._apply(request, queryset, self.version_services.retire, "retired")

    @admin.action(description="New draft version of the selected ones")
    def new_version_of_selected(self, request, queryset):
        drafts = [self.version_services.new_version(version) for version in queryset]
        messages.success(request, f"Made {len(drafts)} new draft version(s): edit them, then publish.")
        if len(drafts) == 1:
            return redirect(self._admin_url("change"), drafts[0].pk)
        return None

    def _apply(self, request, queryset, action, done):
        count = 0
        for version in queryset:
            try:
                action(version)
                count += 1
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
        if count:
            messages.success(request, f"{count} {self.version_noun}(s) {done}.")
