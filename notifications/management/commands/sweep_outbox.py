"""Run the outbox sweep once, or every --repeat seconds for --duration seconds.

The sweep is what recovers rows after a Redis restart or a killed worker; running it from the
command line (or two copies at once) is how the fault test exercises that recovery.
"""

import json
import time

from django.core.management.base import BaseCommand, CommandError

from notifications.services import sweep_outbox


class Command(BaseCommand):
    help = "Dispatch due outbox rows and re-queue rows stuck in sending."

    def add_arguments(self, parser):
        parser.add_argument(
            "--repeat", type=float, default=0, help="seconds between sweeps (0: sweep once)"
        )
        parser.add_argument(
            "--duration", type=float, default=0, help="with --repeat: stop after this many seconds"
        )

    def handle(self, *args, repeat: float, duration: float, **options):
        if repeat < 0 or duration < 0:
            raise CommandError("--repeat and --duration must not be negative")
        if duration and not repeat:
            raise CommandError("--duration needs --repeat")
        deadline = time.monotonic() + duration
        while True:
            self.stdout.write(json.dumps(sweep_outbox()))
            if not repeat or (duration and time.monotonic() + repeat > deadline):
                return
            time.sleep(repeat)
