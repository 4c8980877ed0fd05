"""Create the provider's user and our confidential client; print nothing on success.

Run with `python -m django shell -c "import tests.e2e.oauth_provider.bootstrap"` style, or as
`python tests/e2e/oauth_provider/bootstrap.py` with the provider's settings in the environment.
"""

import os

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402

User.objects.create_user(
    "alice",
    email=os.environ.get("OAUTH_PROVIDER_EMAIL", ""),
    password=os.environ["OAUTH_PROVIDER_PASSWORD"],
    first_name="Alice",
)
Application.objects.create(
    name="letmepost-e2e",
    client_id=os.environ["OAUTH_PROVIDER_CLIENT_ID"],
    client_secret=os.environ["OAUTH_PROVIDER_CLIENT_SECRET"],  # DOT hashes it on save
    client_type=Application.CLIENT_CONFIDENTIAL,
    authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
    redirect_uris=os.environ["OAUTH_PROVIDER_REDIRECT_URI"],
    skip_authorization=True,
)
