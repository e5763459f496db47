"""Recompute every monthly rollup of the dashboards (after a bulk load or a restore): ``manage.py rollups_rebuild``."""

import time

from django.core.management.base import BaseCommand, CommandError

from dashboards.services import rollups_rebuild
from xinfang.org.models import Region


class Command(BaseCommand):
    help = "Recompute the dashboards' monthly rollups of one county (--county CODE) or of all."

    def add_arguments(self, parser):
        parser.add_argument("--county", default="", help="the county's 12-digit code (default: every county)")

    def handle(self, *args, **options):
        county = None
        if options["county"]:
            county = Region.objects.filter(code=options["county"]).first()
            if county is None:
                raise CommandError(f"no region {options['county']}")
        started = time.perf_counter()
        n = rollups_rebuild(county=county)
        self.stdout.write(self.style.SUCCESS(f"{n} county-months recomputed in {time.perf_counter() - started:.1f} s"))
