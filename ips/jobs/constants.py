"""Numbers of the job outbox that no deployment needs to change (the others are settings)."""

import datetime as dt

# Rows kept after a job finished, for the admin and for answering "what happened to this letter?".
FINISHED_JOBS_KEPT = dt.timedelta(days=30)
# Heartbeats of workers not seen for this long (old containers) are removed.
HEARTBEATS_KEPT = dt.timedelta(days=30)
LAST_ERROR_MAX_LENGTH = 1000
# After the broker refused a job, requests stop trying to send theirs at once for this long (the
# dispatcher sends them): each try would hold the request for the broker's connection timeout.
BROKER_PAUSE_SECONDS = 30
