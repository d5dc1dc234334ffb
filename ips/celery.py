"""The Celery application. Without ``REDIS_URL`` tasks run in-process (eager)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ips.settings")

app = Celery("ips")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
