from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = "Peer challenge workflow"

    def ready(self) -> None:
        from workflow import checks  # noqa: F401  (registers the start-up checks)
