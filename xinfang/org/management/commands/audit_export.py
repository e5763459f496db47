"""manage.py audit_export: the audit trail (or its rows before a day) as JSON lines for the archive, each row with
its hash and the hash it is chained to, so the archived file can be checked on its own."""

from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from xinfang.org.models import AuditEvent
from xinfang.org.services import audit_lines


class Command(BaseCommand):
    help = "Write the audit trail (optionally only rows before --before YYYY-MM-DD) to --out as JSON lines."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="the file to write")
        parser.add_argument("--before", help="only rows before this day (YYYY-MM-DD, Asia/Shanghai)")

    def handle(self, *args, **options):
        rows = AuditEvent.objects.all()
        if options["before"]:
            try:
                day = datetime.strptime(options["before"], "%Y-%m-%d").date()
            except ValueError as exc:
                raise CommandError("--before: a day as YYYY-MM-DD") from exc
            rows = rows.filter(at__lt=timezone.make_aware(datetime.combine(day, time.min)))
        count = 0
        with open(options["out"], "w", encoding="utf-8") as out:
            for line in audit_lines(rows):
                out.write(line)
                count += 1
        self.stdout.write(f"{count} audit rows written to {options['out']}")
