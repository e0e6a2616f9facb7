from io import StringIO

import pytest
from django.core.management import call_command

from clinic.models import Patient, User

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("first_run", *args, stdout=out)
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


def test_a_clinic_can_start_without_demo_data_and_never_gets_it_later():
    output = run("--no-demo")

    assert User.objects.get(username="admin").is_superuser
    assert "password: " in output and "without demo data" in output
    assert Patient.objects.count() == 0

    run()  # the next `make run`, without DEMO=0
    assert Patient.objects.count() == 0


def test_the_password_is_the_last_thing_said_with_how_to_set_a_new_one():
    output = run().rstrip()

    assert output.splitlines()[-1].strip().startswith("make password")
    assert output.index("password: ") > output.index("Loading synthetic demo data")
    assert "`manage.py demo_data --remove` takes it out again" in output
