"""django-oauth-toolkit's request validator, with our one policy on top: refresh needs consent."""

from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

from accounts.oauth.scopes import OFFLINE_ACCESS


class Validator(OAuth2Validator):
    def _save_bearer_token(
        self, token: dict[str, Any], request: Any, *args: Any, **kwargs: Any
    ) -> Any:
        """Issue a refresh token only to a client the person granted `offline_access`.

        oauthlib builds the response from this same dict after saving, so dropping the key here
        keeps it out of both the database and the answer.
        """
        if OFFLINE_ACCESS not in (request.scopes or []):
            token.pop("refresh_token", None)
        return super()._save_bearer_token(token, request, *args, **kwargs)
