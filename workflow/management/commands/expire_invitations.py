"""Expire every invitation whose respond-by day is over, now, as the nightly beat task does
(workflow.tasks.expire_lapsed_invitations): after an outage, or to see it happen."""

from django.core.management.base import BaseCommand

from workflow.tasks import expire_lapsed_invitations


class Command(BaseCommand):
    help = "Expire invitations whose respond-by day is over (inviting the next reserves)."

    def handle(self, *args, **options):
        expired = expire_lapsed_invitations()
        self.stdout.write(f"{expired} invitation{'' if expired == 1 else 's'} expired")
