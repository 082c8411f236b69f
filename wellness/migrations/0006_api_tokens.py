"""API tokens kept as hashes, with an expiry (wellness.ApiToken, django-rest-knox).

The tokens of ``rest_framework.authtoken`` are gone with its table: they were kept in plain text
and never expired, so every one is deleted rather than carried over. Staff ask for a new token
(README, "Upgrading"). The old app's bookkeeping goes too (its migration records, its content
type and permissions), so nothing refers to a table that no longer exists.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _forget_authtoken(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.using(schema_editor.connection.alias).filter(
        app_label="authtoken"
    ).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('otp_totp', '0003_add_timestamps'),
        ('wellness', '0005_staff_groups_job_requests'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ApiToken',
            fields=[
                ('token_key', models.CharField(db_index=True, max_length=25)),
                ('created', models.DateTimeField(auto_now_add=True)),
                ('expiry', models.DateTimeField(blank=True, null=True)),
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
                ('digest', models.CharField(editable=False, max_length=128, unique=True)),
                ('password_mark', models.CharField(editable=False, max_length=128)),
                ('last_used', models.DateTimeField(blank=True, help_text='Kept to the minute: written at most once a minute.', null=True)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='auth_token_set', to=settings.AUTH_USER_MODEL)),
                ('verified_device', models.ForeignKey(blank=True, help_text='The authenticator app whose code was given for this token, if any.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='otp_totp.totpdevice')),
            ],
            options={
                'verbose_name': 'API token',
                'verbose_name_plural': 'API tokens',
                'ordering': ['-created'],
            },
        ),
        migrations.RunSQL(
            [
                "DROP TABLE IF EXISTS authtoken_token",
                "DELETE FROM django_migrations WHERE app = 'authtoken'",
            ],
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.RunPython(_forget_authtoken, migrations.RunPython.noop),
    ]
