"""The mail server of the load run: the tests' SMTP sink (tests/support/smtp_sink.py) as a
process of its own, taking each message after --delay-ms (a real relay's work), writing its
port to --port-file and, when stopped, how many messages it took to --count-file."""

import argparse
import signal
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.support.smtp_sink import SmtpSink


class CountingSink(SmtpSink):
    """Counts the messages it takes instead of keeping them: thousands, for minutes."""

    taken = 0

    def _take(self, line: str, message: bytes) -> None:
        with self._lock:
            self.taken += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--count-file", required=True)
    parser.add_argument("--delay-ms", type=float, default=20)
    args = parser.parse_args()
    sink = CountingSink(data_delay=args.delay_ms / 1000, quit_delay=args.delay_ms / 1000)
    Path(args.port_file).write_text(str(sink.listen()))
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    while not stopped.wait(0.5):
        pass
    sink.stop()
    Path(args.count_file).write_text(str(sink.taken))


if __name__ == "__main__":
    main()
