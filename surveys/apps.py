from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"

    def ready(self) -> None:
        from notifications.delivery import email_failed
        from surveys.bounces import record_survey_bounce

        email_failed.connect(record_survey_bounce, dispatch_uid="surveys.record_survey_bounce")
