from io import StringIO

import pytest
from django.core.management import call_command

from clinic.models import Patient, User

pytestmark = pytest.mark.django_db


def run():
    out = StringIO()
    call_command("first_run", stdout=out)
    return out.getvalue()


def test_on_an_empty_database_it_creates_an_admin_and_prints_the_password_once():
    output = run()

    admin = User.objects.get(username="admin")
    password = output.split("password: ")[1].split()[0]
    assert admin.is_superuser and admin.check_password(password)
    assert len(password) >= 16
    assert Patient.objects.filter(is_demo=True).count() == 30

    again = run()
    assert "password" not in again
    assert User.objects.filter(is_superuser=True).count() == 1
    assert Patient.objects.count() == 30


def test_a_database_with_users_gets_no_new_administrator(clinician):
    output = run()

    assert "password" not in output
    assert not User.objects.filter(username="admin").exists()


def test_a_database_with_patients_gets_no_demo_data():
    from tests.support.factories import PatientFactory

    PatientFactory()

    run()

    assert Patient.objects.count() == 1
