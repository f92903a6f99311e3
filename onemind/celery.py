"""The Celery application: tasks live in each app's tasks.py; the beat schedule is kept here."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onemind.settings")

app = Celery("onemind")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# django-celery-beat has no release for Django 6.1, so the schedule is code.
app.conf.beat_schedule = {
    "purge-expired-sessions": {
        "task": "agencies.tasks.purge_expired_sessions",
        "schedule": crontab(hour=3, minute=17),
    },
    "lapse-overdue-pledges": {
        "task": "pledges.tasks.lapse_overdue_pledges",
        "schedule": crontab(hour=11, minute=25),
    },
    "recompute-all-agencies": {
        # 11:30 UTC: every US agency, Guam to American Samoa, is on the same calendar day,
        # so the run is one group of dense batches.
        "task": "pledges.tasks.recompute_all_agencies",
        "schedule": crontab(hour=11, minute=30),
    },
    "queue-scheduled-emails": {
        # After the nightly recompute, so reports carry the day's figures; 7:00 on the US
        # east coast in winter.
        "task": "pledges.tasks.queue_scheduled_emails",
        "schedule": crontab(hour=12, minute=0),
    },
    "dispatch-outbox": {
        "task": "agencies.tasks.dispatch_outbox",
        "schedule": 60.0,
        # A run still waiting after a minute is replaced by the next one.
        "options": {"expires": 55},
    },
    "heartbeat": {
        # Beat sends it and a worker runs it: /healthz reads both (agencies.health).
        "task": "agencies.tasks.heartbeat",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # What a lost message (the broker was down when the action committed) or a dead worker
    # left behind, found in the database.
    "sweep-imports": {
        "task": "training.tasks.sweep_imports",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "sweep-certificate-pdfs": {
        "task": "pledges.tasks.sweep_certificate_pdfs",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "sweep-orphan-documents": {
        "task": "agencies.tasks.sweep_orphan_documents",
        "schedule": crontab(hour=3, minute=47),
    },
    "dispatch-webhooks": {
        "task": "agencies.tasks.dispatch_webhooks",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "sweep-newsletters": {
        # An issue whose chain of batches lost a message goes on writing its letters.
        "task": "assistance.newsletter.tasks.sweep_newsletters",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    "purge-webhook-deliveries": {
        "task": "agencies.tasks.purge_webhook_deliveries",
        "schedule": crontab(hour=3, minute=57),
    },
}
