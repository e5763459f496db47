"""Personal data at rest and on screen: ID-card numbers and phones are encrypted (Fernet, AES-128-CBC with
HMAC-SHA256), looked up through a keyed hash (HMAC-SHA256) stored beside them, and masked on screen unless the
viewer holds ``cases.view_personal_data`` (every unmasked view is logged by the caller, see cases.services).

Keys: ``FIELD_ENCRYPTION_KEY`` (a Fernet key; production requires it). The lookup-hash key is derived from it,
so one secret guards both. Rotating it means re-encrypting: keep the old key until that is done.
"""

import hashlib
import hmac
import re
from datetime import date
from functools import lru_cache

import phonenumbers
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric

from xinfang.errors import ValidationFailed


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    return Fernet(key.encode())


def _key() -> str:
    return settings.FIELD_ENCRYPTION_KEY


def encrypt(value: str) -> str:
    """Encrypt ``value``; the empty string stays empty (nothing to protect, and it keeps "not given" visible)."""
    if not value:
        return ""
    return _fernet(_key()).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet(_key()).decrypt(token.encode()).decode()
    except InvalidToken:
        return "?"  # a key mismatch must not take a page down; the masked form still shows


def lookup_hash(value: str) -> str:
    """The keyed hash used to find a person by ID number or phone without decrypting anything."""
    if not value:
        return ""
    key = hashlib.sha256(b"lookup-hash:" + _key().encode()).digest()
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
