"""A test-only email backend: the file backend, plus a pause before each message that stands in
for an SMTP conversation. It stretches delivery out so the fault test's kills and restarts land
while messages are in flight. Set EMAIL_BACKEND=tests.support.slow_email.EmailBackend."""

import os
import time

from django.core.mail.backends.filebased import EmailBackend as FileEmailBackend

DELAY_SECONDS = float(os.environ.get("SLOW_EMAIL_DELAY_MS", "20")) / 1000


class EmailBackend(FileEmailBackend):
    def send_messages(self, email_messages):
        time.sleep(DELAY_SECONDS * len(email_messages))
        return super().send_messages(email_messages)
