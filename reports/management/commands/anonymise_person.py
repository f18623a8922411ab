"""manage.py anonymise_person EMAIL: erase a peer's or council contact's identity, keeping
the programme's figures."""

from django.core.management.base import BaseCommand

from reports.data_protection import anonymise_person


class Command(BaseCommand):
    help = "Replace the name, email and identifying free text of the person with this email."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email: str, **options):
        for what, rows in anonymise_person(email=email).items():
            self.stdout.write(f"{what}: {rows} changed")
