"""Every method on every API address gets a proper answer, never a 500 (robustness issue).

``OPTIONS /api/v1/docs/`` answered 500 (``TemplateDoesNotExist``): DRF answered OPTIONS through the
docs page's HTML renderer, with a template for a different page.
"""

import pytest

pytestmark = pytest.mark.django_db

ADDRESSES = [
    "/api/v1/docs/",
    "/api/v1/schema/",
    "/api/v1/therapies/",
    "/api/v1/therapies/cbt/",
    "/api/v1/recommendations/",
    "/api/v1/auth/token/",
    "/api/v1/sources/",
    "/api/v1/no-such-thing/",
]
ACCEPTS = ["", "*/*", "application/json", "text/html", "application/vnd.oai.openapi"]


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("address", ADDRESSES)
def test_options_never_fails(client, address, accept):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = client.options(address, **headers)
    assert response.status_code < 500, response.content[:300]


@pytest.mark.parametrize("method", ["OPTIONS", "PUT", "PATCH", "DELETE", "POST", "TRACE"])
def test_docs_and_schema_answer_other_methods_plainly(client, method):
    for address in ("/api/v1/docs/", "/api/v1/schema/"):
        response = client.generic(method, address)
        assert response.status_code in {200, 204, 405}, (method, address, response.status_code)
        if response.status_code == 405:
            assert "GET" in response["Allow"]


def test_docs_options_names_its_methods(client):
    response = client.options("/api/v1/docs/")
    assert response.status_code == 200
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response.content == b""
    assert client.get("/api/v1/docs/").status_code == 200
