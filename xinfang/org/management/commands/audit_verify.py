"""manage.py audit_verify: check the audit trail's hash chain; names the first row that does not hold."""

from django.core.management.base import BaseCommand, CommandError

from xinfang.org.models import AuditEvent
from xinfang.org.services import audit_verify


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain and name the first broken row."

    def handle(self, *args, **options):
        broken = audit_verify()
        if broken is not None:
            raise CommandError(f"the audit chain breaks at row {broken.pk} ({broken}): it was changed, or a row "
                               f"before it was changed or removed")
        self.stdout.write(f"audit chain intact: {AuditEvent.objects.count()} rows")
