"""The HTTP API, through an HTTP client against the app (``starlette.testclient``, which runs
the app's lifespan: its store, job runner and worker processes are real)."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from extractor.api import extract
from extractor.llm.config import LLMConfig
from extractor.service import ServiceSettings, create_app
from tests.fake_llm import SEED_MEETING, FakeLLM, answer

KEY = "sk-service-test-3f9a1c"


def client_for(tmp_path: Path, **settings: Any) -> TestClient:
    options: dict[str, Any] = {"database": tmp_path / "service.sqlite3", "backend": "rules"}
    options.update(settings)
    return TestClient(create_app(ServiceSettings(**options)))


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with client_for(tmp_path, workers=2) as client:
        yield client


def wait_done(
    client: TestClient, job_id: str, *, seconds: float = 30, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status: dict[str, Any] = client.get(f"/v1/jobs/{job_id}", headers=headers).json()
        if status["state"] in ("done", "cancelled"):
            return status
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} not done in {seconds} s: {status}")


def jsonl(rows: list[dict[str, Any]]) -> str:
    return "\n".join(json.dumps(row) for row in rows) + "\n"


# -- one document ------------------------------------------------------------------------------


def test_the_seed_article_gives_the_record_the_python_api_gives(
    client: TestClient, seed_text: str
) -> None:
    response = client.post("/v1/extract", json={"id": "seed", "text": seed_text})
    assert response.status_code == 200
    got = response.json()
    expected = extract(seed_text, backend="rules").model_dump(mode="json")
    assert got["source"]["id"] == "seed"
    assert got["meetings"] == expected["meetings"]
    names = [p["name"] for p in got["meetings"][0]["participants"]]
    assert names == ["Yoko Kamikawa", "Subrahmanyam Jaishankar"]


def test_a_page_is_read_as_html_and_published_at_is_used(client: TestClient) -> None:
    page = (
        "<html><head><title>Talks</title></head><body><article><p>PARIS - French Foreign "
        "Minister Jean-Noel Barrot met German Foreign Minister Annalena Baerbock in Paris on "
        "Monday to discuss Ukraine.</p></article></body></html>"
    )
    response = client.post(
        "/v1/extract", json={"html": page, "published_at": "2024-05-15T10:00:00+02:00"}
    )
    assert response.status_code == 200, response.text
    meeting = response.json()["meetings"][0]
    assert meeting["date"] == "2024-05-13"
    assert {p["name"] for p in meeting["participants"]} == {"Jean-Noel Barrot", "Annalena Baerbock"}


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({}, "body", "'text' or as 'html'"),
        ({"txt": "typo"}, "body.txt", "unknown field"),
        ({"text": "x", "publishedAt": "2024-03-08"}, "body.publishedAt", "unknown field"),
        ({"text": "a", "html": "<p>b</p>"}, "body", "not both"),
        ({"text": "   "}, "body", "empty"),
        ({"text": 5}, "body.text", "string"),
        ({"text": "x", "published_at": "last Tuesday"}, "body.published_at", "ISO 8601"),
        ({"text": "x", "backend": "nope"}, "body.backend", "unknown backend 'nope'"),
        ({"text": "x", "backend": 3}, "body.backend", "string"),
    ],
)
def test_a_bad_document_is_a_422_naming_the_field(
    client: TestClient, body: dict[str, Any], field: str, words: str
) -> None:
    response = client.post("/v1/extract", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert any(e["field"] == field and words in e["problem"] for e in problem["errors"]), problem


@pytest.mark.parametrize("body", [b"{bad", b"", b"[1, 2"])
def test_a_body_that_is_not_json_is_a_4xx_problem(client: TestClient, body: bytes) -> None:
    response = client.post(
        "/v1/extract", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code in (400, 422)
    assert response.json()["errors"][0]["field"] == "body"


def test_a_document_over_the_size_limit_is_a_413(tmp_path: Path) -> None:
    with client_for(tmp_path, max_document_bytes=1000, workers=1) as client:
        big = {"text": "The ministers met. " * 100}
        assert client.post("/v1/extract", json=big).status_code == 413

        def chunks() -> Iterator[bytes]:  # no Content-Length: the limit still holds
            yield json.dumps(big).encode()

        response = client.post(
            "/v1/extract", content=chunks(), headers={"content-type": "application/json"}
        )
        assert response.status_code == 413
        assert "1,000 bytes" in response.json()["detail"]
        assert client.post("/v1/extract", json={"text": "Short."}).status_code == 200


# -- jobs --------------------------------------------------------------------------------------


def test_a_job_of_json_lines_gives_every_result_in_input_order(
    client: TestClient, seed_text: str
) -> None:
    rows = [{"id": f"d{n}", "text": seed_text if n % 2 else "Nothing met."} for n in range(1, 41)]
    response = client.post("/v1/jobs", content=jsonl(rows))
    assert response.status_code == 202
    accepted = response.json()
    assert accepted["total"] == 40 and response.headers["location"] == accepted["status_url"]
    status = wait_done(client, accepted["id"])
    assert (status["done"], status["errors"], status["meetings"]) == (40, 0, 20)
    results = client.get(accepted["results_url"])
    assert results.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in results.text.splitlines()]
    assert [line["source"]["id"] for line in lines] == [row["id"] for row in rows]
    assert [len(line["meetings"]) for line in lines] == [n % 2 for n in range(1, 41)]


def test_a_job_as_a_json_array_names_its_documents_by_place(client: TestClient) -> None:
    response = client.post(
        "/v1/jobs?include_text=true", json=[{"text": "First."}, {"text": "Two."}]
    )
    job = response.json()
    wait_done(client, job["id"])
    lines = [json.loads(x) for x in client.get(job["results_url"]).text.splitlines()]
    assert [line["source"]["id"] for line in lines] == [f"{job['id']}:1", f"{job['id']}:2"]
    assert lines[1]["source"]["text"] == "Two."


def test_a_job_with_bad_documents_names_each_and_queues_nothing(client: TestClient) -> None:
    body = jsonl([{"text": "fine"}, {"text": 3}]) + "{not json\n" + jsonl([{"title": "t"}])
    response = client.post("/v1/jobs", content=body)
    assert response.status_code == 422
    fields = [e["field"] for e in response.json()["errors"]]
    assert fields == ["body[2].text", "body[3]", "body[4]"]
    assert client.get("/metrics").text.count('extractor_jobs{state="queued"} 0.0') == 1


@pytest.mark.parametrize(
    ("body", "status"), [(b"", 422), (b"\n\n", 422), (b"[", 400), (b"[]", 422), (b"\xff", 400)]
)
def test_an_empty_or_broken_job_is_a_4xx(client: TestClient, body: bytes, status: int) -> None:
    assert client.post("/v1/jobs", content=body).status_code == status


def test_a_job_over_the_document_limit_is_a_422(tmp_path: Path) -> None:
    with client_for(tmp_path, max_job_documents=3, workers=1) as client:
        response = client.post("/v1/jobs", content=jsonl([{"text": "x"}] * 4))
        assert response.status_code == 422
        assert "at most 3" in response.json()["detail"]


def test_a_full_queue_answers_429_with_retry_after(tmp_path: Path) -> None:
    with FakeLLM(default=answer([SEED_MEETING], delay=0.5)) as server:
        llm = LLMConfig(model="fake", base_url=server.url, strategy="direct", cache=False)
        with client_for(tmp_path, backend="llm", llm=llm, max_open_jobs=1, workers=1) as client:
            first = client.post("/v1/jobs", content=jsonl([{"text": "a"}, {"text": "b"}]))
            assert first.status_code == 202
            second = client.post("/v1/jobs", content=jsonl([{"text": "c"}]))
            assert second.status_code == 429
            assert int(second.headers["retry-after"]) > 0
            client.delete(f"/v1/jobs/{first.json()['id']}")


def test_results_stream_the_finished_prefix_and_a_job_can_be_cancelled(tmp_path: Path) -> None:
    with FakeLLM(default=answer([SEED_MEETING], delay=0.3)) as server:
        llm = LLMConfig(
            model="fake", base_url=server.url, strategy="direct", cache=False, concurrency=1
        )
        with client_for(tmp_path, backend="llm", llm=llm, workers=1) as client:
            rows = [{"id": f"r{n}", "text": f"Article {n}: the ministers met."} for n in range(20)]
            job = client.post("/v1/jobs", content=jsonl(rows)).json()
            deadline = time.monotonic() + 10
            while client.get(job["status_url"]).json()["done"] < 2:
                assert time.monotonic() < deadline
                time.sleep(0.05)
            partial = client.get(job["results_url"])
            assert partial.headers["x-job-state"] == "running"
            ids = [json.loads(x)["source"]["id"] for x in partial.text.splitlines()]
            assert ids == [f"r{n}" for n in range(len(ids))] and len(ids) >= 2
            cancelled = client.delete(job["status_url"])
            assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
            time.sleep(1.0)
            done = client.get(job["status_url"]).json()["done"]
            assert done < 20
            assert client.delete(job["status_url"]).status_code == 409


def test_an_unknown_job_is_a_404_problem(client: TestClient) -> None:
    for response in (
        client.get("/v1/jobs/nope"),
        client.get("/v1/jobs/nope/results"),
        client.delete("/v1/jobs/nope"),
    ):
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"


# -- keys, health, metrics, the OpenAPI document -----------------------------------------------


def test_keys_guard_every_route_but_healthz_and_are_never_stored(
    tmp_path: Path, seed_text: str, caplog: pytest.LogCaptureFixture
) -> None:
    with client_for(tmp_path, api_keys=(KEY, "second-key"), workers=1) as client:
        assert client.get("/healthz").status_code == 200
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": KEY}):
            response = client.post("/v1/extract", json={"text": seed_text}, headers=headers)
            assert response.status_code == 401
            assert response.headers["www-authenticate"].startswith("Bearer")
        for path in ("/readyz", "/metrics", "/openapi.json", "/v1/jobs/x"):
            assert client.get(path).status_code == 401
        auth = {"Authorization": f"Bearer {KEY}"}
        assert client.post("/v1/extract", json={"text": seed_text}, headers=auth).status_code == 200
        job = client.post("/v1/jobs", content=jsonl([{"text": seed_text}]), headers=auth).json()
        wait_done(client, job["id"], headers=auth)
        results = client.get(job["results_url"], headers=auth).text
        assert client.get("/v1/backends", headers={"Authorization": "Bearer second-key"}).is_success
    assert KEY not in results and KEY not in caplog.text
    for file in tmp_path.iterdir():
        assert KEY.encode() not in file.read_bytes(), file


def test_readyz_tells_when_the_model_endpoint_is_down(tmp_path: Path) -> None:
    with FakeLLM() as server:
        url = server.url
    llm = LLMConfig(model="fake", base_url=url, cache=False)  # the server is gone
    with client_for(tmp_path, llm=llm, workers=1) as client:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert "does not answer" in response.json()["detail"]
        assert client.get("/healthz").status_code == 200


def test_readyz_tells_when_the_database_is_not_writable(tmp_path: Path) -> None:
    with client_for(tmp_path, workers=1) as client:
        assert client.get("/readyz").json() == {"status": "ready"}
        blocker = sqlite3.connect(tmp_path / "service.sqlite3", timeout=0)
        blocker.execute("PRAGMA busy_timeout = 0")
        blocker.execute("BEGIN EXCLUSIVE")
        try:
            # not the 5 s a busy database is waited for before it counts as not writable
            client.app.state.service.store._db.execute("PRAGMA busy_timeout = 0")  # type: ignore[attr-defined]
            assert client.get("/readyz").status_code == 503
        finally:
            blocker.rollback()
            blocker.close()


def test_metrics_count_requests_documents_and_jobs(client: TestClient, seed_text: str) -> None:
    client.post("/v1/extract", json={"text": seed_text})
    client.post("/v1/extract", json={})
    job = client.post("/v1/jobs", content=jsonl([{"text": seed_text}])).json()
    wait_done(client, job["id"])
    text = client.get("/metrics").text
    assert (
        'extractor_http_requests_total{method="POST",route="/v1/extract",status="200"} 1.0' in text
    )
    assert (
        'extractor_http_requests_total{method="POST",route="/v1/extract",status="422"} 1.0' in text
    )
    assert 'route="/v1/jobs/{job_id}"' in text  # templates, not the ids clients sent
    assert 'extractor_documents_total{backend="rules"} 2.0' in text
    assert "extractor_meetings_total 2.0" in text
    assert 'extractor_jobs{state="done"} 1.0' in text
    assert "extractor_http_request_duration_seconds_bucket" in text


def test_the_openapi_document_carries_the_contract_and_an_example(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert {"ExtractionResult", "Meeting", "DocumentIn", "Problem", "JobStatus"} <= set(schemas)
    example = schemas["ExtractRequest"]["examples"][0]
    assert example["text"].startswith("Japanese, Indian Foreign Ministers")
    jobs_body = document["paths"]["/v1/jobs"]["post"]["requestBody"]["content"]
    assert {"application/json", "application/x-ndjson"} <= set(jobs_body)
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/static-offline-docs/swagger-ui-bundle.js" in docs.text
    assert "cdn" not in docs.text.lower()
    assert client.get("/static-offline-docs/swagger-ui-bundle.js").status_code == 200


def test_hostile_bodies_are_4xx_or_read_never_500(client: TestClient) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    assert client.post("/v1/jobs", content=deep).status_code == 400
    assert client.post("/v1/jobs", content=b'{"text":' + deep + b"}").status_code == 422
    extract_deep = client.post(
        "/v1/extract",
        content=b'{"text":' + deep + b"}",
        headers={"content-type": "application/json"},
    )
    assert extract_deep.status_code in (400, 422)
    # A lone surrogate (JSON allows its escape; UTF-8 cannot hold it) is replaced, as in
    # every string of the contract, rather than failing when the job is stored.
    lone = b'{"id": "s", "text": "Talks \\ud800 in Paris."}'
    job = client.post("/v1/jobs", content=lone)
    assert job.status_code == 202
    wait_done(client, job.json()["id"])
    (line,) = client.get(job.json()["results_url"]).text.splitlines()
    assert json.loads(line)["source"]["id"] == "s" and json.loads(line)["error"] is None


def test_a_job_page_cuts_a_long_article_after_its_evidence(client: TestClient) -> None:
    head = "Foreign Minister Yoko Kamikawa met India's External Affairs Minister Subrahmanyam "
    head += "Jaishankar in Tokyo on Thursday.\n"
    tail = "Markets were calm and the weather mild. " * 5_000  # 200,000 characters
    job = client.post("/v1/jobs", json=[{"text": head + tail}]).json()
    wait_done(client, job["id"])
    page = client.get(f"/jobs/{job['id']}")
    assert page.status_code == 200
    assert "<mark" in page.text and "the results hold it whole" in page.text
    assert len(page.text) < 60_000
    filtered = client.get(f"/jobs/{job['id']}?country=japan&problems=nope")
    assert filtered.status_code == 200  # a filter that matches nothing is not an error


def test_a_browser_signs_in_to_a_server_with_keys(tmp_path: Path, seed_text: str) -> None:
    with client_for(tmp_path, api_keys=(KEY,), workers=1) as client:
        page = client.get("/", headers={"accept": "text/html"}, follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == "/login"
        wrong = client.post("/login", data={"key": "nope"}, follow_redirects=False)
        assert wrong.status_code == 401 and "not a key" in wrong.text
        signed = client.post("/login", data={"key": KEY}, follow_redirects=False)
        assert signed.status_code == 303
        cookie = signed.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie
        result = client.post("/", data={"text": seed_text, "backend": "rules"})
        assert result.status_code == 200 and "Yoko Kamikawa" in result.text
        client.cookies.clear()
        assert client.post("/v1/extract", json={"text": seed_text}).status_code == 401
