from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "ips.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        from celery.signals import worker_ready
        from django.core import checks

        from ips.jobs import checks as job_checks
        from ips.jobs import tasks

        checks.register(job_checks.broker_timeouts_fit, checks.Tags.compatibility)
        # A worker that has just started shows on /readyz before beat's first dispatcher run.
        worker_ready.connect(tasks.on_worker_ready, weak=False, dispatch_uid="jobs_worker_heartbeat")
