from django.core.management.base import BaseCommand

from xinfang.org.services import roles_sync


class Command(BaseCommand):
    help = "Create or update one group per role with the permissions org/roles.py gives it."

    def handle(self, *args, **options):
        roles_sync()
        self.stdout.write("roles synced")
