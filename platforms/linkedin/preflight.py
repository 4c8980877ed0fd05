"""LinkedIn rules: commentary text, the author URN the post is made as, and visibility.

`Draft.account_limits["author_urn"]` is the URN the adapter will post as (from /v2/userinfo at
connect, or the organization's URN); `account_limits["organization_posting"]` is true for an
organization account connected with the organization scopes (`LINKEDIN_ORGANIZATIONS=true`);
`options["visibility"]` may ask for CONNECTIONS. A document (PDF) goes alone, at most 100 MB
(`document_rules()`, shared with the Pages package under its own ids). Thread items and first comments are comments
(`linkedin.comment.*`, checked on each comment only).
"""

from __future__ import annotations

import re

from platforms import comments
from platforms.base import Draft, Violation
from platforms.preflight import checks as c
from platforms.preflight import families as f
from platforms.preflight.checks import count_by_kind
from platforms.preflight.spec import DEEP, RAISED, SHAPE, CheckedRule, RuleSpec

MAX_GRAPHEMES = 3000
PERSON_URN = r"^urn:li:person:[A-Za-z0-9_-]+$"
ORGANIZATION_URN = r"^urn:li:organization:[A-Za-z0-9_-]+$"
VISIBILITIES = ("PUBLIC", "CONNECTIONS")
DEFAULT_VISIBILITY = "PUBLIC"

POSTS_DOCS = "https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api"

TEXT_NON_EMPTY = RuleSpec(
    "linkedin.text.non_empty",
    SHAPE,
    "Commentary must contain a non-whitespace character.",
    "Provide text (LinkedIn posts are text-only here).",
    source_url=POSTS_DOCS,
)
TEXT_MAX_GRAPHEMES = RuleSpec(
    "linkedin.text.max_graphemes",
    SHAPE,
    f"Commentary must be at most {MAX_GRAPHEMES:,} graphemes.",
    f"Trim below {MAX_GRAPHEMES:,} graphemes.",
    {"max_graphemes": MAX_GRAPHEMES},
    source_url=POSTS_DOCS,
)
AUTHOR_URN_FORMAT = RuleSpec(
    "linkedin.author.urn_format",
    DEEP,
    "The author URN stored on the account must be a person (or organization) URN.",
    "Reconnect the account so the URN is re-minted from /v2/userinfo.",
    {"person_urn_regex": PERSON_URN, "organization_urn_regex": ORGANIZATION_URN},
    source_url=POSTS_DOCS,
)
AUTHOR_ORG_NOT_SUPPORTED = RuleSpec(
    "linkedin.author.org_not_supported",
    DEEP,
    "Organization author URNs are refused unless the account was connected as an organization "
    "with the organization scopes.",
    "Post as a person, or set LETMEPOST_LINKEDIN_ORGANIZATIONS=true (needs LinkedIn's Community Management "
    "API approval, w_organization_social) and reconnect.",
    source_url=POSTS_DOCS,
    notes="Fixed here: the reference refused every organization URN; organization accounts "
    "connected with w_organization_social post as their organization.",
)
AUTHOR_UNRESOLVED = RuleSpec(
    "linkedin.author.unresolved",
    DEEP,
    "The account must have a resolved author URN.",
    "Disconnect and reconnect the LinkedIn account.",
    code="platform_auth_failed",
    http=401,
    source_url=POSTS_DOCS,
    enforced=RAISED,
    notes="Raised by the adapter when it cannot name an author; it falls back to "
    "urn:li:person:<account id>, so in practice it does not fire.",
)

text_non_empty = c.text_non_empty(TEXT_NON_EMPTY)
text_max_graphemes = c.text_max(TEXT_MAX_GRAPHEMES, "max_graphemes")


def _author_urn_format(draft: Draft) -> Violation | None:
    urn = draft.account_limits.get("author_urn")
    if urn is None or re.match(PERSON_URN, urn) or re.match(ORGANIZATION_URN, urn):
        return None
    return AUTHOR_URN_FORMAT.violation(
        f"The account's author URN {urn!r} is neither urn:li:person:… nor urn:li:organization:…."
    )


def _author_org_not_supported(draft: Draft) -> Violation | None:
    urn = draft.account_limits.get("author_urn")
    if urn is None or not re.match(ORGANIZATION_URN, urn):
        return None
    if draft.account_limits.get("organization_posting"):
        return None
    return AUTHOR_ORG_NOT_SUPPORTED.violation(
        f"The account posts as the organization {urn}; it was not connected with the organization scopes."
    )


author_urn_format = CheckedRule(AUTHOR_URN_FORMAT, _author_urn_format)
author_org_not_supported = CheckedRule(
    AUTHOR_ORG_NOT_SUPPORTED, _author_org_not_supported
)
visibility_enum = f.option_enum(
    "linkedin.visibility.enum",
    DEEP,
    "visibility",
    VISIBILITIES,
    POSTS_DOCS,
    remediation="Use PUBLIC or CONNECTIONS.",
    default=DEFAULT_VISIBILITY,
    notes="The reference had no visibility option; here options.visibility reaches the rule.",
)
VISIBILITY_ENUM = (
    visibility_enum.spec
)  # the adapter raises it for an unknown visibility

# --- documents (Documents API): shared with platforms.linkedin_page -----------------------------

MAX_DOCUMENT_BYTES = 100 * 1024 * 1024
MAX_DOCUMENT_PAGES = 300
DOCUMENTS_DOCS = "https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/documents-api"


def document_rules(slug: str) -> tuple[CheckedRule, CheckedRule]:
    """`<slug>.media.document_alone` (shape) and `<slug>.media.document_size_max` (deep): the
    same LinkedIn limits under each package's own ids."""
    alone = RuleSpec(
        f"{slug}.media.document_alone",
        SHAPE,
        "A post carries at most one document, with no image or video beside it.",
        "Send the document alone; post images or video separately.",
        source_url=DOCUMENTS_DOCS,
        notes=f"LinkedIn also caps a document at {MAX_DOCUMENT_PAGES} pages; letmepost does not "
        "count pages, so LinkedIn refuses a longer one when the post is sent.",
    )

    def check(draft: Draft) -> Violation | None:
        documents = count_by_kind(draft, "document")
        if not documents or len(draft.media) == 1:
            return None
        return alone.violation(
            f"The post has {documents} document(s) among {len(draft.media)} media items; "
            "LinkedIn takes one document, alone.",
            field="media",
        )

    size = f.size_max(
        f"{slug}.media.document_size_max",
        "document",
        MAX_DOCUMENT_BYTES,
        DOCUMENTS_DOCS,
    )
    return CheckedRule(alone, check), size


document_alone, document_size_max = document_rules("linkedin")
DOCUMENT_ALONE = (
    document_alone.spec
)  # the adapter raises it for a draft never preflighted

# --- comments: thread items and first comments (platforms.comments) ---------------------------

COMMENT_MAX_GRAPHEMES = 1250
COMMENTS_DOCS = "https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/comments-api"

comment_non_empty = comments.text_non_empty("linkedin.comment.non_empty", COMMENTS_DOCS)
comment_max_graphemes = comments.text_max(
    "linkedin.comment.max_graphemes",
    COMMENT_MAX_GRAPHEMES,
    COMMENTS_DOCS,
    notes="The Comments API states no maximum; 1,250 is what LinkedIn's own comment box takes.",
)
comment_media_unsupported = comments.no_media(
    "linkedin.comment.media_unsupported",
    COMMENTS_DOCS,
    notes="LinkedIn comments may carry an image (`content`); letmepost sends text only so far.",
)
