"""Every failure under /v1 and /health is the envelope of spec/errors.md (issue: foundation §5)."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from letmepost.errors import CATALOG, ERROR_CLASSES
from tests.conftest import Persona, error_of
from tests.fixtures.reference_openapi import assert_matches_reference


def test_catalog_has_the_thirteen_codes_each_with_an_exception_class() -> None:
    assert sorted(CATALOG) == sorted(
        [
            "validation_failed",
            "preflight_failed",
            "platform_auth_failed",
            "platform_rejected",
            "platform_unavailable",
            "platform_not_enabled",
            "internal_error",
            "unauthenticated",
            "unauthorized",
            "not_found",
            "idempotency_conflict",
            "rate_limited",
            "quota_exceeded",
        ]
    )
    assert set(ERROR_CLASSES) == set(CATALOG)


def test_unknown_route_is_a_404_envelope_with_request_id_matching_the_header(
    owner: Persona,
) -> None:
    response = owner.client.get("/v1/definitely-not-a-route")
    assert response.status_code == 404
    error = error_of(response)
    assert error["code"] == "not_found"
    assert error["requestId"] == response["X-Request-Id"]
    assert error["requestId"].startswith("req_") and len(error["requestId"]) == 30
    assert error["docUrl"].endswith("/docs/errors/not_found")
    assert error["remediation"]


def test_unknown_route_without_credentials_is_still_an_envelope(client: Client) -> None:
    response = client.post(
        "/v1/nothing/here", data="{}", content_type="application/json"
    )
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_a_well_formed_caller_request_id_is_echoed(owner: Persona) -> None:
    response = owner.client.get("/v1/nope", HTTP_X_REQUEST_ID="client-42_abc=")
    assert response["X-Request-Id"] == "client-42_abc="
    assert error_of(response)["requestId"] == "client-42_abc="


@pytest.mark.parametrize("given", ["has space", "x" * 256, "semi;colon"])
def test_a_malformed_caller_request_id_is_replaced(owner: Persona, given: str) -> None:
    response = owner.client.get("/v1/profiles", HTTP_X_REQUEST_ID=given)
    assert response.status_code == 200
    assert response["X-Request-Id"].startswith("req_")


def test_wrong_method_is_405_validation_failed_with_rule_and_allow(
    owner: Persona,
) -> None:
    response = owner.client.put(
        "/v1/profiles", data="{}", content_type="application/json"
    )
    assert response.status_code == 405
    error = error_of(response)
    assert (error["code"], error["rule"]) == ("validation_failed", "http.method")
    assert error["ruleUrl"].endswith("/docs/preflight/http-method")
    assert "POST" in response["Allow"]


def test_malformed_json_is_400_with_rule_body_json(owner: Persona) -> None:
    response = owner.client.post(
        "/v1/profiles", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    error = error_of(response)
    assert (error["code"], error["rule"]) == ("validation_failed", "body.json")


def test_a_json_array_body_is_rejected_as_validation_failed(owner: Persona) -> None:
    response = owner.client.post(
        "/v1/profiles", data="[1, 2]", content_type="application/json"
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "validation_failed"


def test_validation_errors_name_the_first_field_in_camel_case_and_list_all(
    owner: Persona,
) -> None:
    response = owner.client.post(
        "/v1/api-keys",
        data={"name": "", "profileId": "not-a-uuid"},
        content_type="application/json",
    )
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "validation_failed"
    assert error["rule"] == "name"
    assert [(i["path"], i["rule"]) for i in error["platformResponse"]] == [
        (["name"], "name"),
        (["profileId"], "profileId"),
    ]
    assert_matches_reference(response.json(), "ApiError")


def test_issue_paths_are_keys_and_integer_indexes_as_in_the_reference(
    owner: Persona,
) -> None:
    """letmepost.dev (Zod) lists `path` as an array; `rule` stays the dotted form."""
    response = owner.client.post(
        "/v1/posts",
        data={"text": "hi", "targets": [{"platform": "sandbox"}, {"accountId": 7}]},
        content_type="application/json",
    )
    assert response.status_code == 400
    error = error_of(response)
    assert error["rule"] == "targets.1.accountId"
    (only,) = error["platformResponse"]
    assert only["path"] == ["targets", 1, "accountId"]
    assert only["rule"] == error["rule"]
    assert set(only) >= {"path", "message", "code"}
    assert_matches_reference(response.json(), "ApiError")


@pytest.mark.parametrize(
    "bad_id", ["not-a-uuid", "12345", "0197a2c1-4444-7555-8666-77778888999Z"]
)
def test_malformed_ids_in_paths_are_404_never_500(owner: Persona, bad_id: str) -> None:
    response = owner.client.get(f"/v1/profiles/{bad_id}")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_oversized_json_body_is_413_and_writes_nothing(
    owner: Persona, settings
) -> None:
    settings.MAX_JSON_BYTES = 2048
    response = owner.client.post(
        "/v1/profiles", data={"name": "x" * 5000}, content_type="application/json"
    )
    assert response.status_code == 413
    error = error_of(response)
    assert (error["code"], error["rule"]) == ("validation_failed", "body.size_max")
    assert owner.workspace.profiles.count() == 1


@pytest.mark.urls("tests.urls")
def test_unhandled_exception_is_500_without_internals_and_logged_with_request_id(
    owner: Persona, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="letmepost.api"):
        response = owner.client.post(
            "/v1/test/boom", data={}, content_type="application/json"
        )
    assert response.status_code == 500
    error = error_of(response)
    assert error["code"] == "internal_error"
    assert error["message"] == "An unexpected error occurred."
    assert "hunter2" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    logged = [r for r in caplog.records if r.name == "letmepost.api"]
    assert logged and logged[0].request_id == error["requestId"]
    assert "hunter2" in caplog.text  # the operator sees the detail; the client does not


def test_every_error_code_and_rule_has_a_docs_page(client: Client) -> None:
    for code in CATALOG:
        assert client.get(f"/docs/errors/{code}").status_code == 200, code
    assert (
        client.get("/docs/preflight/idempotency_key-body_mismatch").status_code == 200
    )
    assert client.get("/docs/errors/no_such_code").status_code == 404


def test_health_answers_with_request_id(client: Client) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["X-Request-Id"].startswith("req_")


@pytest.mark.urls("tests.urls")
def test_a_failed_write_leaves_nothing_behind(owner: Persona) -> None:
    assert (
        owner.client.post(
            "/v1/test/boom", data={}, content_type="application/json"
        ).status_code
        == 500
    )
    rejected = owner.client.post(
        "/v1/test/reject", data={}, content_type="application/json"
    )
    assert rejected.status_code == 400
    assert error_of(rejected)["rule"] == "test.rejected"
    assert list(owner.workspace.profiles.values_list("slug", flat=True)) == ["default"]


def test_a_disallowed_host_still_gets_the_envelope(db: None) -> None:
    response = Client(HTTP_HOST="evil.example").get("/v1/profiles")
    assert response.status_code == 400
    assert error_of(response)["code"] == "validation_failed"
