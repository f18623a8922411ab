from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from workflow.councils import DEFAULT_REGISTER, load_councils
from workflow.models import Council


class Command(BaseCommand):
    help = "Load (or refresh) the council register from the mySociety CSV. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_REGISTER))

    def handle(self, *args, path, **options):
        if not Path(path).is_file():
            raise CommandError(f"no such file: {path}")
        with transaction.atomic():
            counts = load_councils(Council, Path(path))
        english = Council.objects.active_english().count()
        self.stdout.write(
            f"{counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged; {english} active English councils"
        )
