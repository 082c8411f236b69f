"""Two-step verification's codes (docs/architecture.md §5): the authenticator app's, and backup
codes for when the phone is lost.

Backup codes are django-otp's static device (``otp_static``), one a staff member, holding ten
single-use codes. django-otp stores a static code as typed; here only a hash of each is stored
(the first 16 hex digits of its SHA-256, which fits the plugin's 16-character column), and every
code typed is hashed before it is looked up. A code is 12 random letters and digits (60 bits),
so the hash cannot be turned back into it by trying them all. Codes made another way
(django-otp's ``addstatictoken`` command, the plugin's admin page) are stored as typed and so
never match: use ``add_backup_codes`` or the admin's "Backup codes" page.

Codes are told apart by shape: digits only go to the app, anything else to the backup codes, so
a mistyped app code does not count against the backup codes (each kind slows down after wrong
guesses on its own, django-otp's throttling).

Imported only where models are ready (staff.py's login form, views, commands), never while apps
load.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

BACKUP_CODE_COUNT = 10
BACKUP_CODES_NAME = "Backup codes"
# Lower-case base32 without padding: no 0, 1, 8 or 9 to mix up with o, l, b or g.
_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
_CODE_LENGTH = 12
_GROUP = 4


def code_normalise(code: str) -> str:
    """Return ``code`` as stored or checked: no spaces or dashes, lower case."""
    return "".join(code.split()).replace("-", "").lower()


def backup_code_digest(code: str) -> str:
    """Return what is stored for a backup code: 16 hex digits of the SHA-256 of its letters."""
    return hashlib.sha256(code_normalise(code).encode()).hexdigest()[:16]


def _backup_code_new() -> str:
    letters = "".join(secrets.choice(_ALPHABET) for _ in range(_CODE_LENGTH))
    return "-".join(letters[i : i + _GROUP] for i in range(0, _CODE_LENGTH, _GROUP))


@transaction.atomic
def backup_codes_replace(*, user) -> list[str]:
    """Make ``BACKUP_CODE_COUNT`` new backup codes for ``user`` and return them, to show once.

    Any earlier codes stop working: one set at a time, so a printed list found later is no use.
    """
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_CODES_NAME, confirmed=True)
    codes = [_backup_code_new() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=backup_code_digest(code)) for code in codes
    )
    return codes


def backup_codes_left(*, user) -> int:
    """Return how many unused backup codes ``user`` has."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _is_app_code(code: str) -> bool:
    return code.isdigit() and len(code) <= 8


def app_code_verify(*, user, code: str) -> TOTPDevice | None:
    """Return the confirmed authenticator app of ``user`` that accepts ``code``, or None.

    The API's token login takes only this (a token remembers the app that gave its code).
    """
    code = code_normalise(code)
    if not _is_app_code(code):
        return None
    with transaction.atomic():
        devices = TOTPDevice.objects.devices_for_user(user, confirmed=True).select_for_update()
        for device in devices:
            if device.verify_token(code):
                return device
    return None


def code_verify(*, user, code: str) -> Device | None:
    """Return the device of ``user`` that accepts ``code`` (app or backup code), or None.

    A backup code that is accepted is used up (django-otp deletes it).
    """
    code = code_normalise(code)
    if not code:
        return None
    if _is_app_code(code):
        return app_code_verify(user=user, code=code)
    with transaction.atomic():
        devices = StaticDevice.objects.devices_for_user(user, confirmed=True).select_for_update()
        for device in devices:
            if device.verify_token(backup_code_digest(code)):
                return device
    return None
