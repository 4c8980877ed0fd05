"""Our own OAuth 2.1 authorization server: agents and the CLI sign in as a person (issue #23).

django-oauth-toolkit runs the protocol (PKCE, codes, tokens, refresh, revocation, dynamic client
registration, RFC 8414/9728 metadata); this app adds what it cannot know: which workspace (and
profile) a person granted, the consent page, and how a token becomes an API principal.
"""
