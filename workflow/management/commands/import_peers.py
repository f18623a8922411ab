import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import InvalidInput
from workflow.peer_import import import_peers


class Command(BaseCommand):
    help = (
        "Import peers from a CSV file (columns in the README, 'Peer CSV'). Nothing is written "
        "unless every row is right; importing the same file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the CSV file (UTF-8); - reads standard input")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and count, write nothing"
        )

    def handle(self, *args, path: str, dry_run: bool, **options):
        if path == "-":
            data = sys.stdin.buffer.read()
        elif not Path(path).is_file():
            raise CommandError(f"no such file: {path}")
        else:
            data = Path(path).read_bytes()
        try:
            report = import_peers(data, dry_run=dry_run)
        except InvalidInput as invalid:
            problems = invalid.errors["file"]
            raise CommandError(
                "nothing imported; the file has these problems:\n" + "\n".join(problems)
            ) from None
        self.stdout.write(str(report))
