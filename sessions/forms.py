import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from clinic.forms import TAMPERED_FORM, DateInput, RangeMessagesMixin, VersionedFormMixin
from clinic.models import Device, Lot, NeedleCartridge, Product
from clinic.vocabularies import ScalpZone
from protocols.models import PresetStatus, ProtocolPreset
from sessions import pending_photos
from sessions.blend_choices import (
    NO_CHOICE,
    DataOptionsSelect,
    grouped_lot_choices,
    lot_option_data,
    product_option_data,
)
from sessions.measures import ASSESSMENT_MEASURES, MEASURE_FIELDS
from sessions.models import (
    NO_MEASURE,
    Assessment,
    BlendComponent,
    DelayedAdverseEvent,
    ImmediateAdverseEvent,
    PendingPhoto,
    PhotoPhase,
    PhotoView,
    TreatmentSession,
)
from sessions.photos import PixelBudget, prepare_photo
from sessions.recall import LOT_NUMBER_LENGTH
from sessions.services import AMENDMENT_REASON_NEEDED, NewPhoto, needs_amendment_reason

# English here (what tests and callers compare), translated where the form gives them.
PRODUCT_NEEDED = gettext_noop("Choose the product of this blend row (or empty the row).")
PHOTO_ROW_NEEDS = {
    "phase": _("Say whether this photo is from before or after the session."),
    "view": _("Choose the standard view of this photo."),
}
PENDING_PHOTO_GONE = gettext_noop("This photo waited more than a day without being saved: choose it again.")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _in_use_or_current(queryset, current_id, kind="kind"):
    """Retired equipment is not offered for new sessions, but stays selectable where already used. Nor is demo
    equipment of a kind the clinic has its own of (`kind`: the field that says what it is; None: any)."""
    offered = queryset.filter(Q(active=True) | Q(pk=current_id))
    own = queryset.filter(active=True, is_demo=False)
    demo_set_aside = Q(is_demo=True) & ~Q(pk=current_id)
    if kind is not None:
        return offered.exclude(demo_set_aside & Q(**{f"{kind}__in": own.values(kind)}))
    return offered.exclude(demo_set_aside) if own.exists() else offered


class SessionForm(VersionedFormMixin, RangeMessagesMixin, forms.ModelForm):
    treated_zones = forms.MultipleChoiceField(
        label=_("Treated scalp zones"), choices=ScalpZone.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    adverse_events = forms.MultipleChoiceField(
        label=_("Immediate adverse events"),
        choices=ImmediateAdverseEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick “None” or the adverse events that occurred.")},
    )
    confirm_warnings = forms.BooleanField(
        label=_("I have checked the warnings above and want to save this session anyway."), required=False
    )
    amendment_reason = forms.CharField(
        label=_("Reason for amending"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when a session is changed after the day it was performed. Kept in its history."),
    )

    class Meta:
        model = TreatmentSession
        fields = [
            "preset",
            "performed_at",
            "technique",
            "device",
            "cartridge",
            "cartridge_lot",
            "cartridge_expiry",
            "needle_depth_mm",
            "frequency_hz",
            "passes",
            "treated_zones",
            "treated_area_cm2",
            "anaesthesia",
            "pain_score",
            "endpoint",
            "adverse_events",
            "adverse_event_notes",
            "notes",
        ]
        widgets = {
            "preset": forms.HiddenInput(),
            "performed_at": DateTimeInput(),
            "cartridge_expiry": DateInput(),
            "adverse_event_notes": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["performed_at"].widget.attrs["max"] = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        self.fields["device"].queryset = _in_use_or_current(Device.objects.all(), self.instance.device_id)
        self.fields["cartridge"].queryset = _in_use_or_current(
            NeedleCartridge.objects.all(), self.instance.cartridge_id, kind=None
        )
        # Only a published preset can be started from; a session keeps the version it used.
        self.fields["preset"].queryset = ProtocolPreset.objects.filter(
            Q(status=PresetStatus.PUBLISHED) | Q(pk=self.instance.preset_id)
        )
        self.fields["preset"].error_messages["invalid_choice"] = _(
            "That preset is not published (any more): choose again."
        )

    @property
    def asks_amendment_reason(self):
        return needs_amendment_reason(self.instance)

    def clean(self):
        cleaned = super().clean()
        # self.instance still holds the stored values here: the form copies its data in afterwards.
        if self.asks_amendment_reason and not (cleaned.get("amendment_reason") or "").strip():
            self.add_error("amendment_reason", AMENDMENT_REASON_NEEDED)
        events = cleaned.get("adverse_events") or []
        if ImmediateAdverseEvent.OTHER in events and not (cleaned.get("adverse_event_notes") or "").strip():
            self.add_error("adverse_event_notes", _("Describe the “other” adverse event."))
        return cleaned


class BlendComponentForm(RangeMessagesMixin, forms.ModelForm):
    class Meta:
        model = BlendComponent
        fields = ["product", "lot", "concentration", "concentration_unit", "volume_ml"]
        labels = {"concentration_unit": _("Unit")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Rendered from lists read once (static/js/blend.js reads the data- attributes); checked against the querysets.
        products = _in_use_or_current(Product.objects.all(), self.instance.product_id)
        offered_products = list(products)
        product = self.fields["product"]
        product.queryset = products
        product.widget = DataOptionsSelect(attrs={"data-blend-product": ""})
        product.choices = [NO_CHOICE, *((each.pk, str(each)) for each in offered_products)]
        product.widget.option_data = product_option_data(offered_products)
        # The lots offered are those of the products offered (and the one the row already holds).
        lot = self.fields["lot"]
        lot.queryset = Lot.objects.select_related("product").filter(
            Q(product__in=products) | Q(pk=self.instance.lot_id)
        )
        lots = list(lot.queryset)
        lot.widget = DataOptionsSelect(attrs={"data-blend-lot": ""})
        lot.choices = grouped_lot_choices(lots, timezone.localdate())
        lot.widget.option_data = lot_option_data(lots)
        self.fields["concentration"].widget.attrs["data-blend-concentration"] = ""
        self.fields["concentration_unit"].widget.attrs["data-blend-unit"] = ""
        # A blend row is optional: nothing in it is marked required, but a row in use names its product (clean).
        product.required = False

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("product") and "product" not in self.errors:
            self.add_error("product", gettext(PRODUCT_NEEDED))
        return cleaned


def refuse_negative_form_count(formset):
    if formset.is_bound and formset.management_form.cleaned_data.get("TOTAL_FORMS", 0) < 0:
        raise forms.ValidationError(gettext(TAMPERED_FORM))


class BaseBlendFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, **kwargs):
        # Voided components are history: they cannot be edited or posted back.
        kwargs.setdefault("queryset", BlendComponent.objects.current())
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        refuse_negative_form_count(self)

    def kept_and_removed(self):
        """The components to store (new, edited or untouched) and the stored ones to remove."""
        kept, removed = [], []
        for form in self.forms:
            if form.cleaned_data.get("DELETE"):
                if form.instance.pk:
                    removed.append(form.instance)
            elif form.instance.pk or form.has_changed():
                kept.append(form.instance)
        return kept, removed


BlendFormSet = forms.inlineformset_factory(
    TreatmentSession,
    BlendComponent,
    form=BlendComponentForm,
    formset=BaseBlendFormSet,
    extra=1,
    can_delete=True,
    can_delete_extra=False,
    max_num=20,
    absolute_max=20,
    validate_max=True,
)


class PhotoForm(forms.Form):
    # A photo row is optional, so nothing in it is marked required; a row with a photo has both (clean).
    phase = forms.ChoiceField(label=_("Phase"), choices=PhotoPhase.choices, required=False)
    view = forms.ChoiceField(label=_("Standard view"), choices=PhotoView.choices, required=False)
    image = forms.FileField(
        label=_("Photo (JPEG or PNG)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    # A photo chosen on an earlier round trip of this form (sessions/pending_photos.py), and the clinician's
    # choice to drop it. The template writes the hidden field itself: it names the photo kept this time.
    pending = forms.UUIDField(required=False, widget=forms.HiddenInput)
    remove_pending = forms.BooleanField(label=_("Remove this photo"), required=False)
    pending_photo = None  # the PendingPhoto the row shows and will attach

    def __init__(self, *args, pixel_budget=None, owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.pixel_budget = pixel_budget
        self.owner = owner  # (user, patient): whose pending photos this form may take

    def posted_pending_id(self):
        try:
            return uuid.UUID(self.data.get(self.add_prefix("pending")) or "")
        except ValueError:
            return None

    def removes_pending(self):
        return bool(self.data.get(self.add_prefix("remove_pending")))

    def has_changed(self):
        # A row without a photo is an unused row, whatever its phase and view say.
        keeps_pending = self.posted_pending_id() is not None and not self.removes_pending()
        return bool(self.files.get(self.add_prefix("image"))) or keeps_pending

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("image")
        if upload:
            try:
                cleaned["prepared"] = prepare_photo(upload, self.pixel_budget)
            except forms.ValidationError as error:
                self.add_error("image", error)
        elif cleaned.get("pending") and not cleaned.get("remove_pending"):
            self.pending_photo = PendingPhoto.objects.usable_by(*self.owner).filter(pk=cleaned["pending"]).first()
            if self.pending_photo is None:
                self.add_error("image", gettext(PENDING_PHOTO_GONE))
        for name, message in PHOTO_ROW_NEEDS.items():
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, message)
        return cleaned


class BasePhotoFormSet(forms.BaseFormSet):
    def __init__(self, *args, owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.pixel_budget = PixelBudget()  # one for all the rows of a post
        self.owner = owner

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "pixel_budget": self.pixel_budget, "owner": self.owner}

    def clean(self):
        super().clean()
        refuse_negative_form_count(self)

    def _chosen(self):
        return [form for form in self.forms if form.has_changed()]

    def new_photos(self):
        return [
            NewPhoto(
                prepared=form.cleaned_data.get("prepared") or pending_photos.prepared_from(form.pending_photo),
                phase=form.cleaned_data["phase"],
                view=form.cleaned_data["view"],
            )
            for form in self._chosen()
        ]

    def keep_for_the_next_round(self):
        """The form goes back to the clinician: keep each photo it was given, to show it back and attach it
        later; drop those the clinician removed or replaced."""
        user, patient = self.owner
        for form in self.forms:
            prepared = getattr(form, "cleaned_data", {}).get("prepared")
            if prepared:
                form.pending_photo = pending_photos.keep(prepared, user, patient)
        self._discard(self._dropped())
        pending_photos.discard_expired()

    def attached(self):
        """The session is saved: the pending photos it took are now its own, and those removed go."""
        self._discard([form.pending_photo.pk for form in self._chosen() if form.pending_photo] + self._dropped())
        pending_photos.discard_expired()

    def _dropped(self):
        """The pending photos the clinician removed or replaced with another file."""
        return [
            form.posted_pending_id()
            for form in self.forms
            if form.posted_pending_id() and (form.removes_pending() or form.files.get(form.add_prefix("image")))
        ]

    def _discard(self, ids):
        pending_photos.discard(PendingPhoto.objects.usable_by(*self.owner).filter(pk__in=ids))


PhotoFormSet = forms.formset_factory(
    PhotoForm,
    formset=BasePhotoFormSet,
    extra=1,
    max_num=settings.MAX_PHOTOS_PER_FORM,
    absolute_max=settings.MAX_PHOTOS_PER_FORM,
    validate_max=True,
)


class VoidForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for voiding"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the record, which stays in the history but leaves lists and exports."),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why this record is being voided."))
        return reason


class LotRecallForm(forms.Form):
    lot = forms.CharField(
        label=_("Lot number"),
        max_length=LOT_NUMBER_LENGTH,
        help_text=_("A product lot or a needle cartridge lot, exactly as on the label (capitals or not)."),
        error_messages={
            "required": _("Enter the lot number to look for."),
            "max_length": _("A lot number has at most %(limit_value)d characters (this one has %(show_value)d)."),
        },
    )


class AssessmentForm(RangeMessagesMixin, forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["assessed_on", "session", "density_site", *MEASURE_FIELDS]
        widgets = {"assessed_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = TreatmentSession.objects.current().filter(patient=self.instance.patient)
        self.fields["session"].label_from_instance = lambda session: str(session)

    def measure_fields(self):
        """(measure, bound field) in the declared order, for the template."""
        return [(measure, self[measure.field]) for measure in ASSESSMENT_MEASURES]

    def _post_clean(self):
        super()._post_clean()
        # A measure refused for its range is still a measure the clinician recorded: one message is enough.
        if any(name in self._errors for name in MEASURE_FIELDS) and NON_FIELD_ERRORS in self._errors:
            kept = [message for message in self._errors[NON_FIELD_ERRORS] if message != NO_MEASURE]
            if kept:
                self._errors[NON_FIELD_ERRORS] = self.error_class(kept, error_class="nonfield")
            else:
                del self._errors[NON_FIELD_ERRORS]


class DelayedEventForm(forms.ModelForm):
    class Meta:
        model = DelayedAdverseEvent
        fields = ["kind", "onset_on", "severity", "resolved_on", "description"]
        widgets = {
            "onset_on": DateInput(),
            "resolved_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
