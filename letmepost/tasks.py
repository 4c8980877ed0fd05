"""Celery entry points for production mode. Thin: each calls one function by name."""

from celery import shared_task

from letmepost.maintenance import run_job


@shared_task(name="letmepost.maintenance")
def maintenance_task(job_name: str) -> None:
    run_job(job_name)
