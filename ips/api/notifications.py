"""The requesting user's own notifications over REST, and marking them read.

Only a person's own notifications are reachable; anyone else's is a 404, as on the page.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from ips import notifications
from ips.api.permissions import IPSPermission
from ips.api.schema import OBJECT_READ_ERRORS, READ_ERRORS, WRITE_ERRORS
from ips.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read", "read_at"]

    def get_read(self, notification) -> bool:
        return notification.read_at is not None


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many unread notifications were marked read now.")


@extend_schema_view(
    list=extend_schema(summary="The user's own notifications, newest first",
                       responses={200: NotificationSerializer(many=True), **READ_ERRORS}),
    retrieve=extend_schema(summary="One of the user's notifications",
                           responses={200: NotificationSerializer, **OBJECT_READ_ERRORS}),
)
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IPSPermission]
    permission_actions = {"read": "ips.change_notification", "read_all": "ips.change_notification"}
    no_object_actions = {"read_all"}
    serializer_class = NotificationSerializer

    def get_queryset(self):
        return Notification.objects.filter(recipient=self.request.user).order_by("-created_at", "-id")

    @extend_schema(summary="Mark one notification read", request=None,
                   responses={200: NotificationSerializer, **WRITE_ERRORS})
    def read(self, request, pk: int):
        item = self.get_object()
        notifications.mark_read(user=request.user, notification_ids=[item.pk])
        item.refresh_from_db(fields=["read_at"])
        return Response(NotificationSerializer(item, context=self.get_serializer_context()).data)

    @extend_schema(summary="Mark every unread notification read", request=None,
                   responses={200: MarkedSerializer, **READ_ERRORS})
    def read_all(self, request):
        return Response({"marked": notifications.mark_read(user=request.user)})
