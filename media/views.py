"""The public media URL (`/m/<token>/<mediaId>.<ext>`): what platforms fetch when they ingest by URL.

No credentials: the 192-bit token in the path is the capability. Only verified images and videos
are ever stored, and they are served with their sniffed type, `nosniff` and a sandboxing CSP, so a
file can never run as a page on this origin.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

from media import selectors, services


@require_safe
def public_media(request: HttpRequest, token: str, filename: str) -> FileResponse:
    media_id, _, extension = filename.partition(".")
    media = selectors.get_public_media(token, media_id)
    if media is None or extension != media.extension:
        raise Http404("No such media.")
    response = FileResponse(services.open_media(media), content_type=media.content_type)
    response["Content-Length"] = str(media.size_bytes)
    response["Content-Disposition"] = f'inline; filename="{media.pk}.{media.extension}"'
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["Cache-Control"] = "public, max-age=3600"
    response["ETag"] = f'"{media.sha256}"'
    return response
