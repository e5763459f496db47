"""manage.py rotate_keys: encrypt the petitioners' ID numbers and phones again with the first key of
FIELD_ENCRYPTION_KEYS and compute their look-up hashes again with LOOKUP_HASH_KEY (docs/security.md)."""

from django.core.management.base import BaseCommand, CommandError

from cases.services import personal_data_rotate


class Command(BaseCommand):
    help = "Re-encrypt personal data with the current key and recompute the look-up hashes, in batches."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, batch_size, **options):
        result = personal_data_rotate(batch_size=batch_size)
        self.stdout.write(f"rotated {result['rotated']} petitioners, {result['failed']} unreadable")
        if result["failed"]:
            raise CommandError(f"{result['failed']} petitioners' data opened with no key: see the log for which")
