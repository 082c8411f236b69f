"""Public forms are rate limited per client in the shared cache, and request bodies are limited.

Over the limit a person gets a friendly page (429 with ``Retry-After``, crisis lines included),
never a bare error; the API keeps its own throttles and problem+json answers.
"""

import os
import time

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from evidence.models import Source
from wellness.models import SavedResult
from wellness.security.limits import Rate, client_ip, rate_limit_hit

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(seeded_module, db):
    """The real seed catalogue, loaded once for the module (see tests/conftest.py)."""


@pytest.fixture
def low_rates(settings):
    settings.PUBLIC_FORM_RATES = {"questions": "3/minute", "results": "2/minute", "save": "1/hour"}


def goals_post(client):
    return client.post(reverse("questions-goals"), {"goals": ["sleep"]})


@pytest.mark.parametrize(
    ("text", "rate"),
    [("30/minute", Rate(30, 60)), ("10/hour", Rate(10, 3600)), ("5/seconds", Rate(5, 1))],
)
def test_rates_are_written_as_drf_writes_them(text, rate):
    assert Rate.parse(text) == rate


def test_a_window_counts_up_to_its_limit_then_says_how_long_to_wait():
    rate = Rate(2, 60)

    found = [rate_limit_hit("test", "192.0.2.1", rate, now=600.0 + i) for i in range(3)]

    assert found == [None, None, 58]
    assert rate_limit_hit("test", "192.0.2.1", rate, now=660.0) is None  # the next window


@pytest.mark.services
def test_on_redis_a_window_is_counted_in_one_round_trip_and_expires(settings):
    from django.core.cache import caches

    from tests.wellness.test_services_available import TEST_REDIS_URL, redis_or_skip

    client = redis_or_skip()
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": TEST_REDIS_URL,
            "KEY_PREFIX": "wellness-test-ratelimit",
        },
    }
    ident = f"192.0.2.{os.getpid() % 250}"
    rate = Rate(2, 60)
    now = time.time()
    try:
        found = [rate_limit_hit("test", ident, rate, now=now) for _ in range(3)]
        keys = client.keys("wellness-test-ratelimit:*")

        assert found[:2] == [None, None] and found[2] is not None and 0 < found[2] <= 60
        assert len(keys) == 1 and 0 < client.ttl(keys[0]) <= 61
        assert ident.encode() not in keys[0]
    finally:
        for key in client.keys("wellness-test-ratelimit:*"):
            client.delete(key)
        caches["default"].close()


def test_the_cache_holds_no_client_address():
    rate_limit_hit("test", "192.0.2.77", Rate(5, 60))

    assert "192.0.2.77" not in repr(cache._cache)


def test_a_cache_that_does_not_answer_lets_the_request_through(monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "add", broken)

    assert rate_limit_hit("test", "192.0.2.1", Rate(1, 60)) is None


def test_questionnaire_posts_over_the_limit_get_a_friendly_429(client, seeded, low_rates):
    answered = [goals_post(client).status_code for _ in range(3)]

    response = goals_post(client)

    assert answered == [302, 302, 302]
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "Please wait a moment" in page
    assert "Samaritans" in page and "116 123" in page  # a throttled crisis answer still gets help


def test_the_limit_is_per_client(seeded, low_rates):
    busy, other = Client(REMOTE_ADDR="192.0.2.1"), Client(REMOTE_ADDR="192.0.2.2")
    for _ in range(4):
        goals_post(busy)

    assert goals_post(busy).status_code == 429
    assert goals_post(other).status_code == 302


def test_a_forged_forwarded_for_header_does_not_reset_the_count(seeded, low_rates):
    client = Client(REMOTE_ADDR="192.0.2.1")
    for n in range(4):
        client.post(
            reverse("questions-goals"), {"goals": ["sleep"]}, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"
        )

    assert goals_post(client).status_code == 429


def test_behind_a_proxy_the_forwarded_address_is_the_client(seeded, low_rates, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    for _ in range(4):
        proxy.post(
            reverse("questions-goals"), {"goals": ["sleep"]}, HTTP_X_FORWARDED_FOR="192.0.2.9"
        )

    blocked = proxy.post(
        reverse("questions-goals"), {"goals": ["sleep"]}, HTTP_X_FORWARDED_FOR="192.0.2.9"
    )
    another = proxy.post(
        reverse("questions-goals"), {"goals": ["sleep"]}, HTTP_X_FORWARDED_FOR="192.0.2.10"
    )

    assert blocked.status_code == 429
    assert another.status_code == 302


def test_reading_a_question_is_not_limited(client, seeded, low_rates):
    statuses = {client.get(reverse("questions-goals")).status_code for _ in range(6)}

    assert statuses == {200}


@pytest.mark.parametrize("name", ["results", "doctor-note"])
def test_results_and_the_doctor_note_are_limited(client, seeded, low_rates, name):
    statuses = [client.post(reverse(name), {"answers": "x"}).status_code for _ in range(3)]

    assert statuses[:2] == [302, 302]
    assert statuses[2] == 429


def test_saving_is_limited(client, seeded, low_rates):
    first = client.post(reverse("results-save"), {"answers": "x"})

    response = client.post(reverse("results-save"), {"answers": "x"})

    assert first.status_code == 302
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert not SavedResult.objects.exists()


def test_guessing_saved_result_links_is_limited(client, seeded, low_rates):
    statuses = [
        client.get(reverse("saved-result", args=[f"guess{n}"])).status_code for n in range(3)
    ]

    assert statuses == [404, 404, 429]


def test_the_api_answers_its_own_throttle_in_problem_json(client, seeded, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "recommendations": "1/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    body = {"goals": ["sleep"]}
    client.post("/api/v1/recommendations/", body, "application/json")

    response = client.post("/api/v1/recommendations/", body, "application/json")

    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert "Retry-After" in response


# --- Body limits -------------------------------------------------------------------------------


def test_an_oversized_form_gets_a_clear_413_page(client, seeded, settings):
    body = "goals=sleep&note=" + "a" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    response = client.post(
        reverse("questions-goals"), body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 413
    assert b"The form sent too much" in response.content
    assert response["Cache-Control"] == "no-store"


def test_a_form_with_too_many_fields_gets_a_clear_400_page(client, seeded, settings):
    fields = {f"f{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}

    response = client.post(reverse("questions-goals"), fields)

    assert response.status_code == 400
    assert b"The form sent too many answers" in response.content


def test_an_oversized_admin_form_gets_the_same_page(client, settings, editor):
    client.force_login(editor)
    body = "name=" + "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)

    response = client.post(
        reverse("admin:therapies_therapy_add"), body, "application/x-www-form-urlencoded"
    )

    assert response.status_code == 413


def test_the_api_keeps_its_own_body_limit_in_problem_json(client, seeded, settings):
    body = '{"goals": ["sleep"], "x": "' + "a" * settings.API_MAX_BODY_BYTES + '"}'

    response = client.post("/api/v1/recommendations/", body, "application/json")

    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"


def test_the_largest_admin_form_of_the_catalogue_fits_the_limits(
    client, seeded, superuser, admin_form_data, settings
):
    client.force_login(superuser)
    source = max(Source.objects.all(), key=lambda s: s.findings.count())
    page = client.get(reverse("admin:evidence_source_change", args=[source.pk]))

    data = admin_form_data(page)
    size = len("&".join(f"{k}={v}" for k, v in data.items()).encode())
    # Room for a source with four times as many findings as the largest one today.
    assert len(data) * 4 < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    assert size * 4 < settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_limits_are_checked_before_anything_reads_the_body(settings):
    # The CSRF check is the first to read a body; the limits middleware must come before it.
    order = settings.MIDDLEWARE
    assert order.index("wellness.security.limits.PublicRequestLimitsMiddleware") < order.index(
        "django.middleware.csrf.CsrfViewMiddleware"
    )


@pytest.mark.parametrize(
    ("meta", "proxies", "expected"),
    [
        ({"REMOTE_ADDR": "192.0.2.1"}, 0, "192.0.2.1"),
        ({"REMOTE_ADDR": "192.0.2.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}, 0, "192.0.2.1"),
        ({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}, 1, "198.51.100.7"),
        (
            {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.1.1.1, 198.51.100.7"},
            1,
            "198.51.100.7",
        ),
        ({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "not-an-address"}, 1, None),
        ({}, 0, None),
    ],
)
def test_the_client_address_is_a_valid_address_or_none(rf, settings, meta, proxies, expected):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}
    request = rf.get("/")
    request.META.pop("REMOTE_ADDR", None)
    request.META.update(meta)

    assert client_ip(request) == expected
