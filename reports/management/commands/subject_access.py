"""manage.py subject_access EMAIL: everything held about a person, as JSON on stdout."""

import json

from django.core.management.base import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder

from reports.data_protection import subject_access


class Command(BaseCommand):
    help = "Print everything held about the person with this email, as JSON (subject access)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email: str, **options):
        data = subject_access(email=email)
        self.stdout.write(json.dumps(data, cls=DjangoJSONEncoder, indent=2))
