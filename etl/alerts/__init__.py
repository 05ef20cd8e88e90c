"""Alerts that reach people: typed events with stable fact keys, detectors over what the ledger, registry
and warehouse hold, a ledger of sent and pending alerts, and e-mail and webhook channels.

```python
settings = Settings.from_env().alerts  # CFDI_ETL_ALERT_*; no channel configured: alerts are only logged
with AlertLedger(paths.alerts) as ledger:
    Alerter(ledger, channels_for(settings), log).notify(events, batch=run_id)
```
"""

from etl.alerts._alerter import Alerter, Backoff, DeliveryReport
from etl.alerts._channels import (
    SIGNATURE_HEADER,
    Channel,
    ChannelError,
    SmtpChannel,
    WebhookChannel,
    channels_for,
)
from etl.alerts._detect import (
    CancelledDocument,
    ListedCounterparty,
    UnreconciledPartition,
    cancelled_after_loaded,
    fiel_expiring,
    newly_listed,
    pending_requests,
    requests_needing_a_person,
    run_failed,
    unreconciled_partitions,
)
from etl.alerts._events import AlertEvent, EventKind
from etl.alerts._ledger import AlertLedger, PendingDelivery
from etl.alerts._message import EVENT_HEADER, RFC_HEADER, UUID_HEADER, AlertMessage
from etl.alerts._settings import (
    DEFAULT_SMTP_SENDER,
    AlertSettings,
    SmtpSecurity,
    SmtpSettings,
    WebhookSettings,
)

__all__ = [
    "DEFAULT_SMTP_SENDER",
    "EVENT_HEADER",
    "RFC_HEADER",
    "SIGNATURE_HEADER",
    "UUID_HEADER",
    "AlertEvent",
    "AlertLedger",
    "AlertMessage",
    "AlertSettings",
    "Alerter",
    "Backoff",
    "CancelledDocument",
    "Channel",
    "ChannelError",
    "DeliveryReport",
    "EventKind",
    "ListedCounterparty",
    "PendingDelivery",
    "SmtpChannel",
    "SmtpSecurity",
    "SmtpSettings",
    "UnreconciledPartition",
    "WebhookChannel",
    "WebhookSettings",
    "cancelled_after_loaded",
    "channels_for",
    "fiel_expiring",
    "newly_listed",
    "pending_requests",
    "requests_needing_a_person",
    "run_failed",
    "unreconciled_partitions",
]
