from django.conf import settings
from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS, connections

from audit.database_roles import grant_application_privileges

CREDENTIALS = ("USER", "PASSWORD")


class Command(migrate.Command):
    help = (
        f"{migrate.Command.help} With DATABASE_OWNER_URL set, connects as the owner role, then grants the "
        "application role (DATABASE_URL's) its privileges on every table, new ones included."
    )

    def handle(self, *args, **options):
        owner = settings.DATABASE_OWNER
        if owner is None or options["database"] != DEFAULT_DB_ALIAS:
            return super().handle(*args, **options)
        connection = connections[DEFAULT_DB_ALIAS]
        app_credentials = {key: connection.settings_dict[key] for key in CREDENTIALS}
        connection.close()
        connection.settings_dict.update({key: owner[key] for key in CREDENTIALS})
        try:
            super().handle(*args, **options)
            if not options["plan"]:
                self.grant_application_privileges(connection, app_credentials["USER"], options["verbosity"])
        finally:
            connection.close()
            connection.settings_dict.update(app_credentials)

    def grant_application_privileges(self, connection, app_role, verbosity):
        granted = grant_application_privileges(connection, app_role)
        if verbosity >= 1:
            self.stdout.write(f"Granted {app_role} its privileges on {len(granted)} tables.")
