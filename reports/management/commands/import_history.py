"""manage.py import_history DIR [--dry-run]: the historic programme data in DIR's CSV files
(docs/import.md). Nothing is written unless every row of every file is right; importing the
same files again changes nothing."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.history_files import files_in_directory
from reports.history_format import HistoryRefused
from reports.history_import import import_history


class Progress:
    """A progress bar on standard error, one line per file, redrawn in place."""

    WIDTH = 30

    def __init__(self, out=sys.stderr):
        self.out = out
        self.file = ""

    def __call__(self, name: str, done: int, total: int) -> None:
        if name != self.file:
            if self.file:
                self.out.write("\n")
            self.file = name
        # Redraw at most a hundred times a file: a long file is not slowed by its bar.
        if done != total and done % max(total // 100, 1):
            return
        filled = self.WIDTH * done // max(total, 1)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.out.write(f"\r{name:<22} [{bar}] {done}/{total}")
        self.out.flush()

    def end(self) -> None:
        if self.file:
            self.out.write("\n")


class Command(BaseCommand):
    help = (
        "Import historic programme data from a directory of CSV files (docs/import.md): "
        "peers.csv, challenges.csv, assignments.csv, survey_responses.csv."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="the directory holding the CSV files")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the files and count, write nothing"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, directory: str, dry_run: bool, no_progress: bool, **options):
        if not Path(directory).is_dir():
            raise CommandError(f"no such directory: {directory}")
        files = files_in_directory(Path(directory))
        if not files:
            raise CommandError(f"{directory} holds none of the files described in docs/import.md")
        progress = None if no_progress else Progress(self.stderr._out)
        try:
            summary = import_history(files, dry_run=dry_run, progress=progress)
        except HistoryRefused as refused:
            raise CommandError(
                "nothing imported; the files have these problems:\n"
                + "\n".join(str(p) for p in refused.problems)
            ) from None
        finally:
            if progress is not None:
                progress.end()
        for line in summary.lines():
            self.stdout.write(line)
