import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "letmepost.settings")
django_application = get_asgi_application()

# Imported after Django is set up: the MCP endpoint calls our models and services.
from letmepost.agent_server import AgentEndpoint  # noqa: E402

application = AgentEndpoint(django_application)
