"""``manage.py add_totp_device <username>``: set up a staff member's authenticator app."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from wellness.models import ApiToken
from wellness.security.staff import requires_two_factor
from wellness.security.two_step import backup_codes_replace


class Command(BaseCommand):
    help = (
        "Enrol an authenticator app (TOTP) for a staff member and print the otpauth:// address "
        "to add to it. Superusers, editors and curators need one to reach the admin (they can "
        "also set one up themselves at their first login). --backup-codes also prints ten "
        "backup codes."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--name", default="Authenticator app", help="What to call the device in the admin."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Remove the person's other authenticator apps first (a lost or new phone).",
        )
        parser.add_argument(
            "--backup-codes",
            action="store_true",
            help="Also make ten new backup codes and print them (their old ones stop working).",
        )

    @transaction.atomic
    def handle(self, *args, username: str, name: str, replace: bool, backup_codes: bool, **options):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.get_by_natural_key(username)
        except user_model.DoesNotExist:
            raise CommandError(f"There is no user called {username!r}.") from None
        if not user.is_staff:
            raise CommandError(f"{username!r} is not staff: only staff log in to the admin.")
        if replace:
            # The API tokens issued with a code from those apps go with them (ApiToken).
            _, removed = TOTPDevice.objects.filter(user=user).delete()
            apps = removed.get(TOTPDevice._meta.label, 0)
            if apps:
                tokens = removed.get(ApiToken._meta.label, 0)
                self.stdout.write(
                    f"Removed {apps} earlier authenticator app(s) and revoked the {tokens} "
                    "API token(s) issued with them."
                )
        device = TOTPDevice.objects.create(user=user, name=name, confirmed=True)
        self.stdout.write(
            f"Authenticator app set up for {username}. Give them this address privately, to "
            "add in their app (or to turn into a QR code on their own computer):\n"
        )
        self.stdout.write(device.config_url)
        self.stdout.write(
            "\nIt is a secret: anyone with it can make codes for this account. From now on "
            "they log in to the admin with their password and the 6-digit code the app shows."
        )
        if not requires_two_factor(user):
            self.stdout.write(
                "(Their account does not require it, but now that they have one, "
                "the admin will ask for the code.)"
            )
        if backup_codes:
            self.stdout.write("\nBackup codes (each works once, instead of the app's code):")
            for code in backup_codes_replace(user=user):
                self.stdout.write(code)
