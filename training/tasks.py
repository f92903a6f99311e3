from celery import shared_task

from training.import_services import import_run


@shared_task(acks_late=True)
def run_import(batch_id: int) -> None:
    """Run a confirmed import (whole or not at all); safe to deliver twice."""
    import_run(batch_id=batch_id)
