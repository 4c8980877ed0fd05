"""The Celery app for production mode (CELERY_BROKER_URL set). Embedded mode runs tasks eagerly."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "letmepost.settings")
app = Celery("letmepost")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
