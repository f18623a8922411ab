import os
from pathlib import Path

from celery import Celery
from celery.beat import PersistentScheduler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerchallenge.settings")

app = Celery("peerchallenge")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The folders of kombu's filesystem transport (settings.CELERY_BROKER_TRANSPORT_OPTIONS), which
# kombu does not create. Made once per process, when Celery first reads its configuration: every
# process that sends or receives a task (web, worker, beat) gets there before its first message.
FILESYSTEM_BROKER_FOLDERS = (
    "data_folder_in",
    "data_folder_out",
    "processed_folder",
    "control_folder",
)


@app.on_after_configure.connect
def create_filesystem_broker_folders(sender: Celery, source, **kwargs) -> None:
    # `source` is the configuration being finished: `sender.conf` would start loading it again.
    if not str(source.broker_url).startswith("filesystem://"):
        return
    options = source.broker_transport_options or {}
    for key in FILESYSTEM_BROKER_FOLDERS:
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


class BeatScheduler(PersistentScheduler):
    """Beat's own scheduler, making the folder of its schedule file before opening it
    (settings.CELERY_BEAT_SCHEDULER): settings do not create the state directory."""

    def setup_schedule(self) -> None:
        Path(self.schedule_filename).parent.mkdir(parents=True, exist_ok=True)
        super().setup_schedule()
