"""Property tests over every endpoint: schemathesis makes requests from the app's own OpenAPI
schema, valid ones and ones the schema forbids (odd ids, dates, numbers out of range, broken
bodies), and hypothesis drives the HTML pages the same way. No input may make the server fail
(500); every API answer has a status the schema declares, errors as problem details."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsprism.serve import ServeConfig, create_app
from tests.serve.conftest import Served

# Examples per operation: enough to reach odd inputs, few enough to keep the suite quick.
EXAMPLES = 20


def _api_schema() -> dict[str, Any]:
    # The routes of /api as the app documents them (the pages are not in the schema); built
    # without a database, so that the operations are known when the tests are collected.
    from fastapi import FastAPI

    from newsprism.serve import api

    app = FastAPI()
    app.include_router(api.router)
    schema: dict[str, Any] = app.openapi()
    return schema


# Every operation by "METHOD /path" (one test id each).
OPERATIONS = {
    f"{op.method.upper()} {op.path}": op
    for op in (found.ok() for found in
               schemathesis.openapi.from_dict(_api_schema()).get_all_operations())
}


@pytest.fixture(scope="module")
def page_client(sqlite_served: Served) -> Iterator[TestClient]:
    """A read-only app over the served corpus (SQLite)."""
    with TestClient(create_app(ServeConfig(db=sqlite_served.db))) as client:
        yield client


def test_issue12_the_schema_tested_is_the_apps(page_client: TestClient) -> None:
    served = page_client.get("/openapi.json").json()
    assert served["paths"] == _api_schema()["paths"]
    assert {"/api/stories", "/api/stories/{story_id}", "/api/articles/{article_id}",
            "/api/entities/{entity_id}", "/api/outlets/{name}", "/api/search",
            "/api/export/{table}", "/api/ingest"} <= set(served["paths"])


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_issue12_no_api_input_fails_the_server(page_client: TestClient, name: str) -> None:
    operation = OPERATIONS[name]
    declared = {str(code) for code in operation.definition.raw["responses"]}
    cases = st.one_of(operation.as_strategy(schemathesis.GenerationMode.POSITIVE),
                      operation.as_strategy(schemathesis.GenerationMode.NEGATIVE))

    @given(case=cases)
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case: Any) -> None:
        kwargs = case.as_transport_kwargs(base_url="http://testserver")
        kwargs.pop("cookies", None)  # the API reads none
        if isinstance(kwargs.get("data"), bytes | str):
            kwargs["content"] = kwargs.pop("data")
        response = page_client.request(**kwargs)
        assert response.status_code < 500, (kwargs, response.text[:300])
        assert str(response.status_code) in declared, (kwargs, response.status_code)
        if response.status_code >= 400:
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["status"] == response.status_code
        assert "Traceback" not in response.text

    check()


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
_DAY = st.one_of(st.none(), st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)).map(str), _TEXT)


@given(what=st.sampled_from(["stories", "articles", "entities", "outlets"]),
       name=_TEXT.filter(lambda t: t not in {"", ".", ".."}))
@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_issue12_no_page_id_fails_the_server(page_client: TestClient, what: str,
                                             name: str) -> None:
    response = page_client.get(f"/{what}/{quote(name, safe='')}")
    assert response.status_code < 500
    assert response.headers["content-type"].startswith("text/html")
    assert "Traceback" not in response.text


@given(
    params=st.fixed_dictionaries({}, optional={
        "outlet": _TEXT, "since": _DAY, "until": _DAY, "q": _TEXT, "in": _TEXT,
        "min_outlets": st.one_of(st.integers(-5, 2000).map(str), _TEXT),
        "offset": st.one_of(st.integers(-5, 10**7).map(str), _TEXT), "speaker": _TEXT,
        "limit": st.one_of(st.integers(-5, 500).map(str), _TEXT),
    }),
    path=st.sampled_from(["/", "/search"]),
)
@settings(max_examples=80, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_issue12_no_page_filter_fails_the_server(
    page_client: TestClient, params: dict[str, Any], path: str
) -> None:
    response = page_client.get(path, params={k: v for k, v in params.items() if v is not None})
    assert response.status_code < 500, (path, params, response.text[:300])
    assert response.headers["content-type"].startswith("text/html")
    assert "Traceback" not in response.text
