"""The admin side of versioned texts (clinic/versioning.py), for presets and consent documents alike: the list's
publish, retire and new-version actions, and "Save and publish" on a draft's page (the submit_line template)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# What the list's actions say, for each kind of versioned text (`version_noun`): whole sentences, for translators.
DONE_MESSAGES = {
    "preset": {"published": _("%(count)s preset(s) published."), "retired": _("%(count)s preset(s) retired.")},
    "document": {"published": _("%(count)s document(s) published."), "retired": _("%(count)s document(s) retired.")},
    "version": {"published": _("%(count)s version(s) published."), "retired": _("%(count)s version(s) retired.")},
}


class VersionedAdminMixin:
    """Set `version_services` (a module with publish, retire and new_version) and `version_noun` ("preset", one of
    DONE_MESSAGES)."""

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
        messages.success(request, gettext("“%(version)s” is saved and published.") % {"version": obj})
        return redirect(self._admin_url("changelist"))

    @admin.action(description=_("Publish the selected drafts"))
    def publish_selected(self, request, queryset):
        self._apply(request, queryset, self.version_services.publish, "published")

    @admin.action(description=_("Retire the selected versions"))
    def retire_selected(self, request, queryset):
        self._apply(request, queryset, self.version_services.retire, "retired")

    @admin.action(description=_("New draft version of the selected ones"))
    def new_version_of_selected(self, request, queryset):
        drafts = [self.version_services.new_version(version) for version in queryset]
        messages.success(
            request, gettext("Made %(count)s new draft version(s): edit them, then publish.") % {"count": len(drafts)}
        )
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
            messages.success(request, DONE_MESSAGES[self.version_noun][done] % {"count": count})
