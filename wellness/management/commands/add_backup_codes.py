"""``manage.py add_backup_codes <username>``: give a staff member ten new backup codes.

For someone who has lost their phone and their codes, or set up their app before backup codes
existed. The codes are printed once; only their hashes are kept (wellness/security/two_step.py).
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from wellness.security.two_step import backup_codes_replace


class Command(BaseCommand):
    help = (
        "Make ten new single-use backup codes for a staff member and print them once. Their "
        "earlier backup codes stop working."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.get_by_natural_key(username)
        except user_model.DoesNotExist:
            raise CommandError(f"There is no user called {username!r}.") from None
        if not user.is_staff:
            raise CommandError(f"{username!r} is not staff: only staff log in to the admin.")
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise CommandError(
                f"{username!r} has no authenticator app. Set one up first: "
                f"manage.py add_totp_device {username}"
            )
        codes = backup_codes_replace(user=user)
        self.stdout.write(
            f"New backup codes for {username}. Give them privately; each works once, in the "
            "admin's code box, instead of the app's code. Their old backup codes no longer work.\n"
        )
        for code in codes:
            self.stdout.write(code)
