"""Bulk, deterministic load data for benchmarks: ``manage.py generate_cases --count 100000``."""

from django.core.management.base import BaseCommand, CommandError

from cases.demo import generate_cases
from dashboards.services import rollups_rebuild
from xinfang.org.models import Region


class Command(BaseCommand):
    help = "Insert COUNT deterministic demo cases into a county (default: the demo county 340822)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=100_000)
        parser.add_argument("--county", default="340822000000", help="the county's 12-digit code")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, **options):
        county = Region.objects.filter(code=options["county"]).first()
        if county is None:
            raise CommandError(f"no region {options['county']}: run seed_demo first")
        n = generate_cases(county=county, count=options["count"], seed=options["seed"])
        rollups_rebuild(county=county)  # bulk rows write no timeline events: the dashboards' months are rebuilt
        self.stdout.write(self.style.SUCCESS(f"{n} cases generated in {county.name}"))
