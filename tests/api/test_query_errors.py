"""A refused value's error says what was sent, and the schema states the limits the code
keeps (robustness issue, item 8)."""

import pytest

pytestmark = pytest.mark.django_db


def errors(client, address) -> dict[str, str]:
    response = client.get(address)
    assert response.status_code == 400, response.content
    return {error["field"]: error["message"] for error in response.json()["errors"]}


@pytest.mark.parametrize(
    ("address", "field", "words"),
    [
        ("/api/v1/therapies/?kind=zzz", "kind", "You sent 'zzz'."),
        ("/api/v1/therapies/?kind=zzz", "kind", "Choose one of: talking, massage."),
        ("/api/v1/therapies/?page=abc", "page", "You sent 'abc'."),
        ("/api/v1/therapies/?page_size=0", "page_size", "You sent '0'."),
        ("/api/v1/therapies/?page_size=1000", "page_size", "less than or equal to 100"),
        ("/api/v1/therapies/?goal=flying", "goal", "There is no goal 'flying'."),
        ("/api/v1/crisis-contacts/?region=zz", "region", "You sent 'zz'."),
        ("/api/v1/sources/?page_size=5&page_size=5", "page_size", "Send page_size once"),
        ("/api/v1/therapies/?kind=talking&kind=massage", "kind", "Send kind once"),
    ],
)
def test_error_names_the_value_sent(client, address, field, words):
    assert words in errors(client, address)[field]


def test_a_long_value_is_cut_short(client):
    message = errors(client, "/api/v1/therapies/?kind=" + "x" * 500)["kind"]
    assert "x" * 38 + "…" in message
    assert len(message) < 120


def test_good_parameters_still_answer(client):
    assert client.get("/api/v1/therapies/?kind=talking&page_size=5").status_code == 200


@pytest.mark.parametrize(
    "address", ["ftp://files.example.org/x", "javascript:alert(1)", "mailto:a@b.org"]
)
def test_a_link_must_be_a_web_address(client, login, address):
    login("superuser")
    body = {
        "region": "GB",
        "name": "Example line",
        "phone": "111",
        "when_to_use": "When you need to talk.",
        "url": address,
    }
    response = client.post("/api/v1/crisis-contacts/", body, content_type="application/json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {error["field"] for error in errors} == {"url"}
    assert any("https://" in error["message"] for error in errors)


def test_the_schema_says_links_are_web_addresses(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/v1/schema/").content)["components"]["schemas"]
    for name in ("CrisisContactRequest", "SourceWriteRequest"):
        [address, blank] = schema[name]["properties"]["url"]["oneOf"]
        assert address["pattern"] == "^https?://"
        assert blank["maxLength"] == 0


def test_the_crisis_contacts_text_length_the_schema_states_is_kept(client, login):
    import yaml

    schema = yaml.safe_load(client.get("/api/v1/schema/").content)["components"]["schemas"]
    limit = schema["CrisisContactRequest"]["properties"]["text"]["maxLength"]
    login("superuser")
    body = {
        "region": "GB",
        "name": "Example line",
        "phone": "111",
        "when_to_use": "When you need to talk.",
        "text": "x" * (limit + 1),
    }
    response = client.post("/api/v1/crisis-contacts/", body, content_type="application/json")
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["text"]
    body["text"] = "x" * limit
    assert (
        client.post("/api/v1/crisis-contacts/", body, content_type="application/json").status_code
        == 201
    )


def test_the_schema_says_where_goal_and_condition_slugs_come_from(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/v1/schema/").content)["components"]["schemas"]
    answers = schema["AnswersRequest"]["properties"]
    assert "/api/v1/goals/" in answers["goals"]["description"]
    assert "/api/v1/conditions/" in answers["conditions"]["description"]
    assert answers["goals"]["minItems"] == 1


def test_a_goal_or_condition_that_is_not_a_string_is_refused(client, seeded_module):
    for body in ({"goals": [0]}, {"goals": ["sleep"], "conditions": [7]}):
        response = client.post("/api/v1/recommendations/", body, content_type="application/json")
        assert response.status_code == 400, body


def test_the_change_list_checks_its_page_parameters(client, login):
    login("curator")
    assert client.get("/api/v1/changes/?page_size=101").status_code == 400
    assert client.get("/api/v1/changes/?page=1&page=2").status_code == 400
    assert client.get("/api/v1/changes/?page_size=5").status_code == 200


def test_public_operations_document_the_401_of_a_token_that_is_not_valid(client):
    import yaml

    paths = yaml.safe_load(client.get("/api/v1/schema/").content)["paths"]
    assert "401" in paths["/api/v1/therapies/"]["get"]["responses"]
    assert "401" not in paths["/api/v1/recommendations/"]["post"]["responses"]  # no tokens read
    response = client.get("/api/v1/therapies/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 401
