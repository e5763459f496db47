"""Personal data at rest and on screen: ID-card numbers and phones are encrypted (Fernet, AES-128-CBC with
HMAC-SHA256), looked up through a keyed hash (HMAC-SHA256) stored beside them, and masked on screen unless the
viewer holds ``cases.view_personal_data`` (every unmasked view is logged by the caller, see cases.services).

Keys: ``FIELD_ENCRYPTION_KEYS``, Fernet keys, the current one first (MultiFernet: every key decrypts, the first
encrypts), and ``LOOKUP_HASH_KEY``, the lookup hashes' own secret. Rotating: put a new key first, keep the old ones,
run ``manage.py rotate_keys`` (re-encrypts in batches and computes the hashes again), then drop the old keys.
"""

import hashlib
import hmac
import logging
import re
from datetime import date
from functools import lru_cache

import phonenumbers
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric

from xinfang.errors import ValidationFailed

logger = logging.getLogger(__name__)


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _keys() -> tuple[str, ...]:
    return tuple(settings.FIELD_ENCRYPTION_KEYS)


def encrypt(value: str) -> str:
    """Encrypt ``value`` with the current key; the empty string stays empty (nothing to protect, and it keeps "not
    given" visible)."""
    if not value:
        return ""
    return _fernet(_keys()).encrypt(value.encode()).decode()


def encrypt_bytes(data: bytes) -> bytes:
    """A whole file encrypted with the current key (an uploaded ledger, its error sheet: they hold rows of personal
    data)."""
    return _fernet(_keys()).encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    """A file encrypted by ``encrypt_bytes``, opened with any of the keys (UnreadableValue when none opens it)."""
    try:
        return _fernet(_keys()).decrypt(token)
    except InvalidToken as exc:
        raise UnreadableValue from exc


class UnreadableValue(Exception):
    """No key of FIELD_ENCRYPTION_KEYS opens the value."""


def decrypt_strict(token: str) -> str:
    """``token`` decrypted with any of the keys; UnreadableValue when none opens it."""
    try:
        return _fernet(_keys()).decrypt(token.encode()).decode() if token else ""
    except InvalidToken as exc:
        raise UnreadableValue from exc


def decrypt(token: str) -> str:
    """For pages: a value no key opens shows as "?" (the masked form still shows) and is logged as an error, so a
    missing key is noticed, not silently shown as a question mark."""
    try:
        return decrypt_strict(token)
    except UnreadableValue:
        logger.error("personal data: no encryption key opens a value (token %s…); check FIELD_ENCRYPTION_KEYS",
                     token[:16])
        return "?"


def rotate(token: str) -> str:
    """``token`` encrypted again with the current key (UnreadableValue when no key opens it)."""
    try:
        return _fernet(_keys()).rotate(token.encode()).decode() if token else ""
    except InvalidToken as exc:
        raise UnreadableValue from exc


def lookup_hash(value: str) -> str:
    """The keyed hash used to find a person by ID number or phone without decrypting anything (LOOKUP_HASH_KEY)."""
    if not value:
        return ""
    key = hashlib.sha256(b"lookup-hash:" + settings.LOOKUP_HASH_KEY.encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


# Validation and normalisation -----------------------------------------------------------------------------

def normalize_id_number(value: str) -> str:
    """A valid 18-digit resident ID number (GB 11643 checksum), upper-case X; raises ValidationFailed."""
    value = (value or "").strip().upper().replace(" ", "")
    if not value:
        return ""
    if not re.fullmatch(r"[0-9]{17}[0-9X]", value):
        raise ValidationFailed(_("身份证号码应为18位，最后一位可以是数字或X。"), code="invalid_id_number",
                               detail={"id_number": [_("身份证号码应为18位，最后一位可以是数字或X。")]})
    if not ric.is_valid(value):
        raise ValidationFailed(_("身份证号码校验位不正确，请核对。"), code="invalid_id_number",
                               detail={"id_number": [_("身份证号码校验位不正确，请核对。")]})
    born = ric.get_birth_date(value)
    if not date(1900, 1, 1) <= born <= timezone.localdate():  # the checksum alone lets a birth in 2099 through
        raise ValidationFailed(_("身份证号码中的出生日期不正确，请核对。"), code="invalid_id_number",
                               detail={"id_number": [_("身份证号码中的出生日期不正确，请核对。")]})
    return value


def normalize_phone(value: str) -> str:
    """A valid Chinese mobile or fixed-line number in national form (e.g. 13812345678, 05565551234)."""
    value = (value or "").strip().replace(" ", "").replace("-", "")
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationFailed(_("电话号码无效，请填写11位手机号或带区号的固定电话。"), code="invalid_phone",
                               detail={"phone": [_("电话号码无效，请填写11位手机号或带区号的固定电话。")]})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL).replace(" ", "").replace(
        "-", "")


# Masking --------------------------------------------------------------------------------------------------

def mask_id_number(value: str) -> str:
    """340822********1234: the region of issue and the last four stay readable."""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678."""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_email(address: str) -> str:
    """l***@example.gov.cn: the first letter and the domain stay readable."""
    name, _at, domain = address.partition("@")
    return f"{name[:1]}***@{domain}" if domain else "***"
