"""manage.py export_history DIR: the programme's history as the CSV files import_history reads
(docs/import.md), written into DIR (made if missing)."""

import csv
import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.history_export import export_history


class Command(BaseCommand):
    help = "Export the programme's history as the CSV files import_history reads (docs/import.md)."

    def add_arguments(self, parser):
        parser.add_argument("directory", help="where to write the files (made if missing)")

    def handle(self, *args, directory: str, **options):
        target = Path(directory)
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"cannot make {directory}: {error.strerror}") from None
        for name, text in export_history().items():
            (target / name).write_text(text, encoding="utf-8")
            rows = sum(1 for _ in csv.reader(io.StringIO(text))) - 1
            self.stdout.write(f"{name}: {rows} rows")
