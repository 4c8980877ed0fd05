"""Telegram fixtures: the Bot API behind `responses`, checked against the Bot API 10.1 file.

The description is a custom JSON (`methods[name].fields`, `types[name].fields`), so the checks
are written here: every request's parameters (names, required ones, simple types, the items of
`media`) and every canned `result` (required fields, no unknown ones, nested types one level
down). Form and multipart requests carry objects as JSON strings and files as parts.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import responses

from platforms.base import ConnectedAccount
from platforms.models import PlatformAccount
from platforms.services import store_connected
from tests.conftest import Persona
from tests.fixtures import platform_api
from tests.platforms.multipart import parts

PAYLOADS = Path(__file__).parent / "payloads"
TOKEN = "7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw8"
API = f"https://api.telegram.org/bot{TOKEN}"
CHAT_ID = "-1001234567890"
SCALARS: dict[str, type | tuple[type, ...]] = {
    "Integer": int,
    "String": str,
    "Boolean": bool,
    "Float": (int, float),
}


@cache
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(platform_api("telegram/api.json"))
    return loaded


def _fits(value: Any, kinds: list[str]) -> bool:
    for kind in kinds:
        if (
            kind in SCALARS
            and isinstance(value, SCALARS[kind])
            and not (kind != "Boolean" and isinstance(value, bool))
        ):
            return True
        if kind == "InputFile" and value == "<file>":
            return True
        if kind.startswith("Array of ") and isinstance(value, list):
            return True
        if kind in spec()["types"] and isinstance(value, dict):
            return True
    return False


def type_errors(name: str, value: Any, where: str = "") -> list[str]:
    """A `types[name]` object: required fields present, no unknown ones, field types."""
    fields = {f["name"]: f for f in spec()["types"][name].get("fields", [])}
    if not isinstance(value, dict):
        return [f"{where or name} is not an object"]
    errors = [f"{where}{k}: not a field of {name}" for k in value if k not in fields]
    errors += [
        f"{where}{k}: required by {name}"
        for k, f in fields.items()
        if f["required"] and k not in value
    ]
    for key, item in value.items():
        if key in fields and not _fits(item, fields[key]["types"]):
            errors.append(f"{where}{key}: {item!r} is not {fields[key]['types']}")
    return errors


def request_errors(method: str, params: dict[str, Any]) -> list[str]:
    """A call's parameters against `methods[method].fields`."""
    fields = {f["name"]: f for f in spec()["methods"][method].get("fields", [])}
    errors = [f"{k}: not a parameter of {method}" for k in params if k not in fields]
    errors += [
        f"{k}: required by {method}"
        for k, f in fields.items()
        if f["required"] and k not in params
    ]
    for key, value in params.items():
        if key in fields and not _fits(value, fields[key]["types"]):
            errors.append(f"{key}: {value!r} is not {fields[key]['types']}")
    if method == "sendMediaGroup":
        kinds = {"photo": "InputMediaPhoto", "video": "InputMediaVideo"}
        for i, item in enumerate(params.get("media", [])):
            errors += type_errors(kinds.get(item.get("type"), "?"), item, f"media.{i}.")
    if isinstance(params.get("reply_parameters"), dict):
        errors += type_errors(
            "ReplyParameters", params["reply_parameters"], "reply_parameters."
        )
    return errors


def sent(call: Any, method: str) -> dict[str, Any]:
    """The parameters a request sent (JSON, or form fields with JSON objects and file parts),
    checked against the method's description; file parts read as "<file>"."""
    request = call.request
    assert request.url == f"{API}/{method}", request.url
    if request.headers["Content-Type"].startswith("multipart/form-data"):
        params: dict[str, Any] = {}
        for name, part in parts(request).items():
            if part.filename is not None:
                params[name] = "<file>"
                continue
            try:
                params[name] = json.loads(part.text)
            except ValueError:
                params[name] = part.text
        files = {k for k, v in params.items() if v == "<file>"}
        attached = {k for k in files if k.startswith("file")}
        params = {k: v for k, v in params.items() if k not in attached}
    else:
        params = json.loads(request.body)
    errors = request_errors(method, params)
    assert errors == [], errors
    return params


RESULTS = {
    "getMe": "User",
    "getChat": "ChatFullInfo",
    "sendMessage": "Message",
    "sendPhoto": "Message",
    "sendVideo": "Message",
}


@cache
def _payload(name: str) -> Any:
    return json.loads((PAYLOADS / f"{name}.json").read_text())


def payload(name: str) -> Any:
    return copy.deepcopy(_payload(name))


def answer_errors(method: str, body: dict[str, Any]) -> list[str]:
    if not body["ok"]:
        errors = [
            k
            for k in body
            if k not in ("ok", "error_code", "description", "parameters")
        ]
        if "parameters" in body:
            errors += type_errors("ResponseParameters", body["parameters"])
        return errors
    result = body["result"]
    if method == "sendMediaGroup":
        return [e for message in result for e in type_errors("Message", message)]
    return type_errors(RESULTS[method], result)


def answer(mock: responses.RequestsMock, method: str, name: str, **kwargs: Any) -> None:
    body = payload(name)
    errors = answer_errors(method, body)
    assert errors == [], errors
    status = body.get("error_code", 200)
    mock.add("POST", f"{API}/{method}", json=body, status=status, **kwargs)


def connect(persona: Persona) -> PlatformAccount:
    account, _ = store_connected(
        workspace=persona.workspace,
        profile=persona.profile,
        platform="telegram",
        connected=ConnectedAccount(
            external_id=CHAT_ID,
            display_name="@releasenotes",
            credentials={"botToken": TOKEN},
            metadata={
                "chatId": CHAT_ID,
                "chatType": "channel",
                "username": "releasenotes",
            },
        ),
    )
    return account


@pytest.fixture
def upstream():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock
