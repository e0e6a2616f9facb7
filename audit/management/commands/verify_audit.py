"""manage.py verify_audit: walk the audit trail's keyed chain; name the first broken link and exit 1, or say that
every row is genuine and in place."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.integrity import verify
from audit.models import AuditEvent


class Command(BaseCommand):
    help = "Check that no audit event was changed, forged, removed or moved (audit/integrity.py)."

    def handle(self, *args, **options):
        broken = verify(AuditEvent, timezone.now())
        if broken is not None:
            raise CommandError(f"The audit trail is broken at {broken}.")
        chained = AuditEvent.objects.filter(sealed_seq__isnull=False).count()
        pending = AuditEvent.objects.filter(sealed_seq__isnull=True).count()
        self.stdout.write(
            f"The audit trail is whole: {chained} events chained" + (f", {pending} joining" if pending else "") + "."
        )
