"""The web process's entry point loads the app and then sets the garbage collector for requests
(peerchallenge/gc_tuning.py): what it loaded is frozen, the first threshold raised."""

import json
import subprocess
import sys

from django.conf import settings

from peerchallenge.gc_tuning import THRESHOLDS


def test_the_wsgi_entry_point_freezes_the_loaded_app_and_raises_the_threshold():
    script = (
        "import gc, json, peerchallenge.wsgi; "
        "print(json.dumps([gc.get_threshold(), gc.get_freeze_count()]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    threshold, frozen = json.loads(out.stdout.splitlines()[-1])
    assert tuple(threshold) == THRESHOLDS != (700, 10, 10)
    assert frozen > 10_000  # Django, the apps and their modules
