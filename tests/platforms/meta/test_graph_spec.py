"""The node-spec checker itself: it must refuse what Graph would refuse, or it proves nothing."""

from __future__ import annotations

import json

from tests.platforms.meta.graph_spec import request_errors, response_errors

IG = "IGUserForIGOnlyAPI"


def test_a_documented_container_request_passes() -> None:
    params = {
        "image_url": "https://cdn.example.com/a.jpg",
        "caption": "hi",
        "alt_text": "a cat",
        "is_carousel_item": "true",
        "access_token": "t",
    }
    assert request_errors(IG, "POST", "media", params) == []


def test_unknown_parameters_and_wrong_scalars_are_refused() -> None:
    errors = request_errors(
        IG, "POST", "media", {"captions": "typo", "is_carousel_item": "yes"}
    )
    assert len(errors) == 2
    assert "captions" in errors[0] and "is_carousel_item" in errors[1]


def test_required_parameters_and_their_types_are_checked() -> None:
    assert request_errors(IG, "POST", "media_publish", {}) == [
        "creation_id: required by POST IGUserForIGOnlyAPI/media_publish"
    ]
    assert request_errors(IG, "POST", "media_publish", {"creation_id": "abc"}) == [
        "creation_id: 'abc' is not a valid unsigned int"
    ]
    assert request_errors(IG, "POST", "media_publish", {"creation_id": "1789"}) == []


def test_enum_values_come_from_enum_types() -> None:
    assert request_errors("Page", "GET", "feed", {"with": "LOCATION"}) == []
    (error,) = request_errors("Page", "GET", "feed", {"with": "PLACE"})
    assert "'PLACE' not in ['LOCATION']" in error


def test_object_lists_must_be_json_arrays_of_objects() -> None:
    good = json.dumps([{"media_fbid": "1"}, {"media_fbid": "2"}])
    assert request_errors("Page", "POST", "feed", {"attached_media": good}) == []
    assert request_errors("Page", "POST", "feed", {"attached_media": "1,2"}) != []


def test_requested_fields_must_exist_on_the_returned_node() -> None:
    container = "ShadowIGMediaBuilder"
    assert (
        request_errors(container, "GET", None, {"fields": "status_code,status"}) == []
    )
    assert request_errors(container, "GET", None, {"fields": "status_code,colour"}) == [
        "fields: 'colour' is not a field of ShadowIGMediaBuilder"
    ]
    # an edge's fields belong to the node it returns (Page /feed → PagePost)
    assert request_errors("Page", "GET", "feed", {"fields": "id,message"}) == []
    assert request_errors("Page", "GET", "feed", {"fields": "id,caption"}) != []


def test_missing_apis_and_unknown_answer_keys_are_reported() -> None:
    assert request_errors(IG, "DELETE", "media", {}) == [
        "IGUserForIGOnlyAPI has no DELETE media"
    ]
    assert (
        response_errors("ShadowIGMediaBuilder", {"id": "1", "status_code": "OK"}) == []
    )
    assert response_errors("ShadowIGMediaBuilder", {"id": "1", "state": "OK"}) == [
        "'state' is not a field of ShadowIGMediaBuilder"
    ]
