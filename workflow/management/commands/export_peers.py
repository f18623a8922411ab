from pathlib import Path

from django.core.management.base import BaseCommand

from workflow.peer_csv import write_peers


class Command(BaseCommand):
    help = (
        "Export every peer as CSV, in the columns `import_peers` reads: the file imports back "
        "with nothing changed. Cells a spreadsheet would run as formulas start with a quote."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            default="-",
            help="the file to write; - (the default) writes to standard output",
        )

    def handle(self, *args, path: str, **options):
        if path == "-":
            count = write_peers(self.stdout)
        else:
            # utf-8-sig: the byte order mark makes Excel read the file as UTF-8.
            with Path(path).open("w", encoding="utf-8-sig", newline="") as out:
                count = write_peers(out)
        self.stderr.write(f"{count} peers exported")
