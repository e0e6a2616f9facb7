"""Forms bound as a page would bind them, and what they say back about the values they were given."""

from django.forms import MultiWidget


def form_with(form_class, base):
    """A maker of bound forms: the valid post `base`, each call's keywords overriding its fields."""

    def make(**changes):
        return form_class({**base, **changes})

    return make


def assert_rejected_with(form, field, typed, messages):
    """The form refuses the value with exactly these messages on that field and shows the typed text again."""
    assert not form.is_valid()
    assert form.errors == {field: messages}
    assert form[field].value() == typed


def assert_accepted_as(form, field, stored):
    """The form takes the value and cleans it to what the field stores."""
    assert form.is_valid(), form.errors
    assert form.cleaned_data[field] == stored


def assert_asks_for_a_number(form, field, typed):
    """The form answers text that is no number with Django's own message on that field, the text shown again."""
    assert not form.is_valid()
    assert form.errors[field] in (["Enter a number."], ["Enter a whole number."])
    assert form[field].value() == typed


def error_messages(*forms):
    """Every error message of these forms or formsets, field and non-field."""
    messages = []
    for form in forms:
        if hasattr(form, "forms"):  # a formset
            messages += list(form.non_form_errors())
            for member in form.forms:
                messages += error_messages(member)
        else:
            for errors in form.errors.values():
                messages += list(errors)
    return messages


def as_posted(form):
    """The data a browser would send back for this form, unchanged."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        key = form.add_prefix(name)
        if value is None or value is False:
            continue
        if isinstance(field.widget, MultiWidget):
            parts = field.widget.decompress(value)
            for suffix, widget, part in zip(field.widget.widgets_names, field.widget.widgets, parts, strict=True):
                data[key + suffix] = widget.format_value(part)
        elif isinstance(value, list | tuple):
            data[key] = [str(item) for item in value]
        else:
            data[key] = "on" if value is True else str(value)
    return data


def admin_form_data(response, **changes):
    """What an admin change page posts back (its form, and each inline's rows and management form), with `changes`
    made to the main form's fields."""
    data = as_posted(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data |= as_posted(formset.management_form)
        for row in formset.forms:
            data |= as_posted(row)
    return data | changes


def admin_change(admin, url, **changes):
    """Post an admin change page back with `changes`; the change must be accepted."""
    response = admin.post(url, admin_form_data(admin.get(url), **changes))
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    return response
