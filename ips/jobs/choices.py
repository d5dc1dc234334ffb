from django.db import models


class OutboxState(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent to the broker"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


# A job still owed: the dispatcher sends (or sends again) only these.
UNFINISHED_STATES = (OutboxState.PENDING, OutboxState.SENT)
