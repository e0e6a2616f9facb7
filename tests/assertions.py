def assert_rejected_with(form, field, typed, messages):
    """The form refuses the value with exactly these messages on that field and shows the typed text again."""
    assert not form.is_valid()
    assert form.errors == {field: messages}
    assert form[field].value() == typed
