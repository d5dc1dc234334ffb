from django.contrib import admin

from ips.jobs.models import OutboxJob, WorkerHeartbeat


@admin.register(OutboxJob)
class OutboxJobAdmin(admin.ModelAdmin):
    """Read-only: jobs are written by the services that owe them and by the dispatcher."""

    list_display = ("task", "dedupe_key", "state", "attempts", "created_at", "sent_at", "done_at", "next_attempt_at")
    list_filter = ("state", "task")
    search_fields = ("dedupe_key", "task_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("hostname", "seen_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
