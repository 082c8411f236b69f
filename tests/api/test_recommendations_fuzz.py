"""Any body at all to the recommendation endpoint gets a 200 or a 400 problem, never a 500."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

URL = "/api/v1/recommendations/"
SLUGS = ["sleep", "pain-tension", "pregnancy", "crisis", "blood-thinners", "nope", ""]

FUZZ = settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(SLUGS),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=25,
)
slug_lists = st.lists(st.sampled_from(SLUGS) | st.text(max_size=12), max_size=5)
answers = st.fixed_dictionaries(
    {},
    optional={
        "goals": slug_lists | json_values,
        "conditions": slug_lists | json_values,
        "preferences": st.fixed_dictionaries(
            {},
            optional={
                "format": st.sampled_from(["any", "in-person", "online", "group", "post"])
                | json_values,
                "pressure": st.sampled_from(["any", "gentle", "firm", "hard"]) | json_values,
            },
        )
        | json_values,
        "limit": st.integers(-5, 200) | json_values,
    },
)


def assert_handled(response) -> None:
    assert response.status_code in (200, 400), response.content[:500]
    if response.status_code == 400:
        assert response["Content-Type"] == "application/problem+json"
        problem = response.json()
        assert problem["status"] == 400
        assert all({"field", "message"} <= set(e) for e in problem.get("errors", []))


@FUZZ
@given(body=answers | json_values)
def test_any_json_body_is_answered_or_refused(api, seeded, body):
    assert_handled(api.post(URL, json.dumps(body), content_type="application/json"))


@FUZZ
@given(body=st.binary(max_size=200))
def test_any_bytes_are_answered_or_refused(api, seeded, body):
    assert_handled(api.post(URL, body, content_type="application/json"))
