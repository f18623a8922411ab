"""manage.py apply_retention: remove personal data past its retention period (also daily)."""

from django.core.management.base import BaseCommand

from reports.data_protection import apply_retention


class Command(BaseCommand):
    help = "Remove survey free text, contact details and outbox rows past settings.RETENTION."

    def handle(self, *args, **options):
        for what, rows in apply_retention().items():
            self.stdout.write(f"{what}: {rows} removed")
