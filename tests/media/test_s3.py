"""Media on an S3-compatible bucket: a real moto_server on loopback, driven through the API."""

from __future__ import annotations

import json
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError
from django.test import Client

from media import services
from media.models import Media
from tests.conftest import Persona, error_of
from tests.media.conftest import png_bytes, upload

KEY, SECRET, REGION = "testing", "testing", "us-east-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """moto_server on 127.0.0.1 for the whole session, stopped at the end."""
    executable = Path(sys.executable).parent / "moto_server"
    if not executable.exists():
        pytest.skip("moto_server is not installed (dev dependency moto[server])")
    port = free_port()
    process = subprocess.Popen(  # noqa: S603  # our venv's executable, fixed arguments
        [str(executable), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                _, err = process.communicate(timeout=5)
                pytest.skip(f"moto_server did not start: {err.decode()[-500:]}")
            time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Bucket:
    endpoint: str
    name: str
    client: Any

    def head(self, key: str) -> dict:
        return self.client.head_object(Bucket=self.name, Key=key)

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def make_public(self) -> None:
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{self.name}/*",
                }
            ],
        }
        self.client.put_bucket_policy(Bucket=self.name, Policy=json.dumps(policy))


def storage_for(endpoint: str, bucket: str) -> dict[str, Any]:
    """The same S3Storage options letmepost.settings builds from LETMEPOST_S3_*."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "region_name": REGION,
            "access_key": KEY,
            "secret_key": SECRET,
            "addressing_style": "path",
            "signature_version": "s3v4",
            "file_overwrite": False,
            "object_parameters": {"ContentDisposition": "inline"},
        },
    }


@pytest.fixture
def bucket(moto_endpoint: str, settings, monkeypatch: pytest.MonkeyPatch) -> Bucket:
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # never ask 169.254.169.254
    client = boto3.client(
        "s3",
        endpoint_url=moto_endpoint,
        aws_access_key_id=KEY,
        aws_secret_access_key=SECRET,
        region_name=REGION,
        config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"),
    )
    name = f"media-{secrets.token_hex(4)}"
    client.create_bucket(Bucket=name)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": storage_for(moto_endpoint, name),
    }
    settings.MEDIA_PUBLIC_BASE_URL = ""
    return Bucket(moto_endpoint, name, client)


def test_an_upload_lands_in_the_bucket_with_its_sniffed_type(
    owner: Persona, bucket: Bucket, media_root: Path
) -> None:
    content = png_bytes((6, 2))
    response = upload(owner.client, content, name="x.jpg", content_type="image/jpeg")
    assert response.status_code == 201, response.content
    media = Media.objects.get(pk=response.json()["id"])
    assert media.storage_key == f"{owner.workspace.pk}/{media.pk}.png"
    head = bucket.head(media.storage_key)
    assert head["ContentType"] == "image/png"
    assert head["ContentDisposition"] == "inline"
    assert bucket.read(media.storage_key) == content
    assert not media_root.exists()  # nothing went to the local folder
    with services.open_media(media) as fh:
        assert fh.read() == content


def test_without_a_public_bucket_url_we_serve_the_object(
    owner: Persona, bucket: Bucket, public_routes: None, settings
) -> None:
    content = png_bytes((3, 3))
    media_id = upload(owner.client, content).json()["id"]
    url = services.public_url(Media.objects.get(pk=media_id))
    assert url.startswith(f"{settings.PUBLIC_URL}/m/")
    response = Client().get(url.removeprefix(settings.PUBLIC_URL))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == content


def test_with_a_public_bucket_url_platforms_fetch_from_the_bucket(
    owner: Persona, bucket: Bucket, settings
) -> None:
    settings.MEDIA_PUBLIC_BASE_URL = f"{bucket.endpoint}/{bucket.name}"
    bucket.make_public()
    content = png_bytes((4, 4))
    body = upload(owner.client, content).json()
    media = Media.objects.get(pk=body["id"])
    assert body["url"] == f"{bucket.endpoint}/{bucket.name}/{media.storage_key}"
    fetched = requests.get(body["url"], timeout=5)
    assert fetched.status_code == 200 and fetched.content == content
    assert fetched.headers["Content-Type"] == "image/png"


def test_delete_removes_the_object(
    owner: Persona, bucket: Bucket, django_capture_on_commit_callbacks
) -> None:
    media_id = upload(owner.client, png_bytes()).json()["id"]
    key = Media.objects.get(pk=media_id).storage_key
    with django_capture_on_commit_callbacks(execute=True):
        assert owner.client.delete(f"/v1/media/{media_id}").status_code == 200
    with pytest.raises(ClientError) as exc:
        bucket.head(key)
    assert exc.value.response["Error"]["Code"] in ("404", "NoSuchKey")


def test_a_storage_failure_is_a_500_naming_s3(
    owner: Persona, bucket: Bucket, settings
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": storage_for(bucket.endpoint, "no-such-bucket"),
    }
    response = upload(owner.client, png_bytes())
    assert response.status_code == 500
    error = error_of(response)
    assert (error["code"], error["platform"]) == ("internal_error", "s3")
    assert not Media.objects.exists()
