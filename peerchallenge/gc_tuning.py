"""The garbage collector set for a web process. A report page reads its kept figures
(core/snapshots.py) by unpickling thousands of objects, and with Python's default thresholds
that triggered a full collection, over every object the process holds, every few requests:
most of those reads' p95 at 100,000 cases (issue 11). Freezing what start-up loaded keeps the
collections off the app's own modules and data, and a higher first threshold makes them rarer,
at the price of a little more memory held between collections."""

import gc

THRESHOLDS = (20_000, 10, 10)  # Python's default is (700, 10, 10)


def tune_for_requests() -> None:
    """Call once, after the app has loaded (peerchallenge/wsgi.py; the benchmarks)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
