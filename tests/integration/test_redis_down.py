"""Catalogue edits while Redis (broker and cache) is down: each leaves a waiting job request.

With Redis stopped, an edit still commits; the rebuild it asks for is a waiting row that the
sweeper sends once Redis is back. A therapy edit and a source edit behave the same.
"""

import pytest
from django.db import transaction

from evidence.source_jobs import LINK_CHECK_TASK
from outbox.models import JobRequest
from tests.factories import SourceFactory, TherapyFactory
from wellness.jobs import SNAPSHOT_REBUILD_TASK

Status = JobRequest.Status

pytestmark = pytest.mark.services


@pytest.fixture
def redis_down(settings, redis_server, publish_to):
    """Point the broker and the cache at a Redis that is then stopped."""
    publish_to(redis_server)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    redis_server.stop()
    return redis_server


def waiting_rebuilds():
    return JobRequest.objects.filter(task=SNAPSHOT_REBUILD_TASK, status=Status.PENDING)


@pytest.mark.parametrize("first", ["therapy", "source"])
def test_therapy_and_source_edits_each_leave_a_waiting_rebuild(transactional_db, redis_down, first):
    therapy, source = TherapyFactory(), SourceFactory()
    JobRequest.objects.all().delete()
    edits = {
        "therapy": lambda: therapy.save(),
        "source": lambda: source.save(),
    }

    for name in (first, "source" if first == "therapy" else "therapy"):
        with transaction.atomic():
            edits[name]()
        # Sending failed (the broker is down): the request waits for the sweeper.
        assert waiting_rebuilds().count() == 1, name

    assert not JobRequest.objects.filter(task=LINK_CHECK_TASK).exists()


def test_admin_and_api_edits_with_redis_down_save_and_leave_one_waiting_rebuild(
    transactional_db, redis_down, client, superuser, admin_form_data
):
    from rest_framework.test import APIClient

    from tests.api.conftest import api_token

    therapy, source = TherapyFactory(), SourceFactory()
    JobRequest.objects.all().delete()
    client.force_login(superuser)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token(superuser)}")

    for model, obj in (("therapies_therapy", therapy), ("evidence_source", source)):
        address = f"/admin/{model.replace('_', '/', 1)}/{obj.pk}/change/"
        data = admin_form_data(client.get(address))
        data["name" if model.startswith("therapies") else "title"] = "Changed in the admin"
        saved = client.post(address, data)
        assert saved.status_code == 302, model
        assert waiting_rebuilds().count() == 1, model

    for address in (f"/api/v1/therapies/{therapy.slug}/", f"/api/v1/sources/{source.slug}/"):
        field = "summary" if "therapies" in address else "note"
        changed = api.patch(address, {field: "Changed through the API."}, format="json")
        assert changed.status_code == 200, (address, changed.content[:300])
        assert waiting_rebuilds().count() == 1, address

    therapy.refresh_from_db()
    assert therapy.summary == "Changed through the API."
