from celery import shared_task
from django.db import OperationalError

from onemind.enqueue import enqueue
from training.imports import runs as import_runs


@shared_task(acks_late=True)
def run_import(batch_id: int) -> None:
    """Run a confirmed import (whole or not at all); safe to deliver twice."""
    import_runs.import_run(batch_id=batch_id)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def sweep_imports() -> int:
    """Every minute: run again the imports a dead worker or a lost message left behind."""
    return sum(enqueue(run_import, pk) for pk in import_runs.imports_to_requeue())
