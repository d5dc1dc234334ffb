from django.contrib import admin

from advisories.models import ListingProposal, PortSecurityAdvisory, SeparateConsiderationRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    """Read-only: advisories, proposals and requests change only through the application's services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PortSecurityAdvisory)
class AdvisoryAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "title", "status", "effective_date", "published_at")
    list_filter = ("status",)


@admin.register(ListingProposal)
class ListingProposalAdmin(ReadOnlyAdmin):
    list_display = ("country", "kind", "state", "raised_at", "decided_at")
    list_filter = ("kind", "state")


@admin.register(SeparateConsiderationRequest)
class RequestAdmin(ReadOnlyAdmin):
    list_display = ("facility", "country", "received_on", "state")
    list_filter = ("state",)
    exclude = ("plan_file", "report_file")
