"""The Celery app for production mode (CELERY_BROKER_URL set). Embedded mode runs tasks eagerly."""

import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "letmepost.settings")
app = Celery("letmepost")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _settle(**_: object) -> None:
    from letmepost.heap import freeze_startup_heap

    freeze_startup_heap()  # tasks and Django are loaded: keep full GC passes short
