"""The SMS gateway, behind one small interface: ``send_sms(phone, text)`` hands the message to the backend named by
``settings.SMS_BACKEND``. The console backend (the default outside production, refused in production) logs the
message with the number masked; the memory backend keeps messages in ``outbox`` for tests; a county's real gateway is
one more class with a ``send`` method. An empty ``SMS_BACKEND`` means no SMS (production's default).
"""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from xinfang import personal_data

logger = logging.getLogger("xinfang.sms")

outbox: list[tuple[str, str]] = []  # (phone, text), filled by MemoryBackend


class ConsoleBackend:
    """Writes the message to the log (the demo and a developer's machine): no message leaves the building."""

    def send(self, phone: str, text: str) -> None:
        logger.warning("SMS to %s: %s", personal_data.mask_phone(phone), text)


class MemoryBackend:
    """Keeps messages in ``xinfang.sms.outbox`` (tests)."""

    def send(self, phone: str, text: str) -> None:
        outbox.append((phone, text))


def send_sms(phone: str, text: str) -> None:
    import_string(settings.SMS_BACKEND)().send(phone, text)
