"""Forms bound as a page would bind them, and what they say back about the values they were given."""


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
