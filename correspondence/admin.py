from django.contrib import admin

from correspondence.models import IncomingCorrespondence, Letter


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    """Read-only: letters change only through the application's services."""

    list_display = ("reference", "country", "kind", "status", "job_state", "letter_date")
    list_filter = ("kind", "status", "job_state")
    search_fields = ("reference", "subject", "country__name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IncomingCorrespondence)
class IncomingAdmin(admin.ModelAdmin):
    list_display = ("country", "kind", "received_on", "sender")
    list_filter = ("kind",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
