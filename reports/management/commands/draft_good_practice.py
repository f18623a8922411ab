"""manage.py draft_good_practice: a good-practice draft for every completed feedback survey's
FB10 "yes" with its description that has none yet. The daily beat task runs the same sweep;
running it again changes nothing."""

from django.core.management.base import BaseCommand

from reports.good_practice import draft_good_practice_from_surveys


class Command(BaseCommand):
    help = "Draft good-practice candidates from FB10 survey answers (idempotent)."

    def handle(self, *args, **options) -> None:
        made = draft_good_practice_from_surveys()
        self.stdout.write(f"{made} good-practice draft(s) made from FB10 answers.")
