import secrets

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from clinic.models import Patient


class Command(BaseCommand):
    help = (
        "On an empty database: create an 'admin' superuser with a random password (printed once) "
        "and load synthetic demo data. Does nothing on a database that already has users or patients."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        if not User.objects.exists():
            password = secrets.token_urlsafe(12)
            User.objects.create_superuser("admin", email="", password=password)
            self.stdout.write(
                self.style.WARNING(
                    "\n  Created the administrator account. This password is shown once only:\n"
                    f"    username: admin\n    password: {password}\n"
                    "  Change it in the admin (top right) and create accounts for your staff there.\n"
                )
            )
        if not Patient.objects.exists():
            self.stdout.write("Loading synthetic demo data (flagged as demo; no real people)…")
            call_command("demo_data", patients=30, sessions_per_patient=5, seed=2026, stdout=self.stdout)
