"""A real SMTP server for tests (aiosmtpd, in a thread, on a free port), which a test can take down and
bring back up, and which can refuse chosen recipients.

Use it from a test module with::

    pytest_plugins = ["tests.smtp_support"]

    def test_something(smtp_server):
        smtp_server.down()
        ...
        smtp_server.up()
        assert smtp_server.recipients() == [...]

The fixture points Django's SMTP email backend at the server for the test.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Delivered:
    sender: str
    recipients: list[str]
    content: bytes


@dataclass
class Inbox:
    """The aiosmtpd handler: keeps what it accepts; refuses the recipients in ``refuse``."""

    refuse: set[str] = field(default_factory=set)
    delay: float = 0.0  # seconds each message takes, so that overlapping senders really overlap
    messages: list[Delivered] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's name)
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.messages.append(Delivered(envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SMTPServer:
    def __init__(self):
        self.inbox = Inbox()
        self.port = _free_port()
        self._controller: Controller | None = None

    def up(self) -> None:
        if self._controller is None:
            self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
            self._controller.start()

    def down(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def recipients(self) -> list[str]:
        """Every recipient of every message accepted, in order (one entry per message and recipient)."""
        with self.inbox.lock:
            return [address for message in self.inbox.messages for address in message.recipients]


@pytest.fixture
def smtp_server(settings) -> Iterator[SMTPServer]:
    server = SMTPServer()
    server.up()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield server
    finally:
        server.down()
