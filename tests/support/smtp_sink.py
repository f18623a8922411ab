"""A real SMTP server for tests, on loopback ports, in threads of the test process: the witness
of what was delivered that is independent of the outbox it checks.

It records every message at the moment it takes it (before it answers 250, as a real server
commits a message to its queue before replying), with the outbox row's id from the message's
X-Notification-Id header, the listener ("line") it came in on and the time. Giving each worker
process its own line tells which worker delivered what. Pauses stand in for a real server's
work: `data_delay` before it takes a message, `reply_delay` after it took it and before it
says so, `quit_delay` before it answers QUIT (as when an SMTP session closes). A hold makes a
line withhold the 250 of its next message until released: a kill aimed between the moment the
server took a message and the moment the worker hears of it and marks its row sent.
"""

import contextlib
import re
import socketserver
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

NOTIFICATION_ID = re.compile(rb"^X-Notification-Id: (\d+)\r?$", re.MULTILINE)
HOLD_LIMIT_SECONDS = 60  # a hold nobody releases must not hang the test for ever


@dataclass(frozen=True)
class Delivery:
    notification_id: int | None
    line: str
    accepted_at: float  # time.time() when the server took the message
    message: bytes = field(repr=False)


class Hold:
    """Withhold the 250 for the next message a line takes, until `release()`."""

    def __init__(self) -> None:
        self.taken = threading.Event()  # a message was taken and its reply is being withheld
        self.released = threading.Event()
        self.delivery: Delivery | None = None

    def release(self) -> None:
        self.released.set()


class SmtpSink:
    def __init__(self, *, data_delay: float = 0.0, reply_delay: float = 0.0, quit_delay=0.0):
        self.data_delay = data_delay
        self.reply_delay = reply_delay
        self.quit_delay = quit_delay
        self.deliveries: list[Delivery] = []
        self._lock = threading.Lock()
        self._servers: list[socketserver.ThreadingTCPServer] = []
        self._holds: dict[str, Hold] = {}

    def listen(self, line: str = "default") -> int:
        """Open a listener for `line` on a free loopback port; returns the port."""
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                # OSError: the client died (a killed worker); there is no one to answer.
                with contextlib.suppress(OSError):
                    sink._converse(self.rfile, self.wfile, line)

        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        self._servers.append(server)
        return server.server_address[1]

    def stop(self) -> None:
        for hold in self._holds.values():
            hold.release()
        for server in self._servers:
            server.shutdown()
            server.server_close()

    def hold_next(self, line: str) -> Hold:
        hold = Hold()
        with self._lock:
            self._holds[line] = hold
        return hold

    def cancel(self, line: str, hold: Hold) -> bool:
        """Withdraw a hold if no message took it yet; True if one did (it stays held)."""
        with self._lock:
            if self._holds.get(line) is hold:
                del self._holds[line]
        return hold.taken.is_set()

    def delivered(self) -> Counter:
        """How many times the server took each notification."""
        with self._lock:
            return Counter(d.notification_id for d in self.deliveries)

    def _take(self, line: str, message: bytes) -> Hold | None:
        found = NOTIFICATION_ID.search(message)
        delivery = Delivery(int(found[1]) if found else None, line, time.time(), message)
        with self._lock:
            self.deliveries.append(delivery)
            hold = self._holds.pop(line, None)
        if hold:
            hold.delivery = delivery
            hold.taken.set()
        return hold

    def _converse(self, rfile, wfile, line: str) -> None:
        def reply(text: str) -> None:
            wfile.write(text.encode() + b"\r\n")
            wfile.flush()

        reply("220 sink ESMTP")
        while command := rfile.readline():
            verb = command[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                reply("250 sink")
            elif verb in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                reply("250 OK")
            elif verb == b"DATA":
                reply("354 End data with <CR><LF>.<CR><LF>")
                message = self._read_data(rfile)
                if message is None:
                    return
                time.sleep(self.data_delay)
                hold = self._take(line, message)
                if hold:
                    hold.released.wait(HOLD_LIMIT_SECONDS)
                time.sleep(self.reply_delay)
                reply("250 OK queued")
            elif verb == b"QUIT":
                time.sleep(self.quit_delay)
                reply("221 Bye")
                return
            else:
                reply("502 Command not implemented")

    @staticmethod
    def _read_data(rfile) -> bytes | None:
        lines = []
        while (data := rfile.readline()) != b".\r\n":
            if not data:  # the client went away mid-message: nothing was taken
                return None
            lines.append(data[1:] if data.startswith(b"..") else data)  # RFC 5321 4.5.2
        return b"".join(lines)
