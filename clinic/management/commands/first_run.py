import secrets

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from clinic.models import Patient


class Command(BaseCommand):
    help = (
        "On a new database (no users, no patients): create an 'admin' superuser with a random password (printed "
        "once) and load synthetic demo data, unless --no-demo. Does nothing on a database that already has users."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-demo", action="store_true", help="Start empty: no synthetic demo patients or equipment."
        )

    def handle(self, *args, no_demo=False, **options):
        User = get_user_model()
        if User.objects.exists():
            return
        # Demo data only on a database that is new in every way: never into a clinic's own records, and never
        # later into a clinic that started empty (its first run created the administrator).
        new = not Patient.objects.exists()
        if new and not no_demo:
            self.stdout.write(
                "Loading synthetic demo data (flagged as demo; no real people; `manage.py demo_data --remove` takes it "
                "out again)…"
            )
            call_command("demo_data", patients=30, sessions_per_patient=5, seed=2026, stdout=self.stdout)
        elif new:
            self.stdout.write("Starting without demo data (`manage.py demo_data` adds some at any time).")
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser("admin", email="", password=password)
        self.stdout.write(
            self.style.WARNING(
                "\n  Created the administrator account. This password is shown once only:\n"
                f"    username: admin\n    password: {password}\n"
                "  Sign in, then create accounts for your staff in the admin. A new password at any time:\n"
                "    make password   (on a server: manage.py changepassword admin, with the server's settings)\n"
            )
        )
