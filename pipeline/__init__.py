"""The pipeline for one partition, between the entry points (Dagster, the CLI) and the library.

request → wait → download → parse → load → publish, each a function of the settings and a `Partition`:

```python
settings = Settings.from_env()
partition = Partition.of("EKU9003173C9", date(2024, 1, 1))
request(settings, partition)        # asks SAT, or reuses the request ledger
wait(settings, partition)           # SAT finished? (.pending: not yet; the sensor waits longer)
download(settings, partition)       # into the package store, each package once
parse(settings, partition)          # store → staging; no SAT client, no e.firma
load(settings, partition)           # staging → warehouse
publish(settings)                   # views and the read-only copy
```

Files a user already has are filed by `route` (the same partitions, the same loader). Never imports Dagster.
"""

from pipeline._download import Downloaded, download
from pipeline._errors import StepError
from pipeline._load import Loaded, load, merge_frames, read_stage
from pipeline._log import Log, quiet
from pipeline._parse import Parsed, parse, stored_packages
from pipeline._publish import publish
from pipeline._request import Requested, request
from pipeline._route import ROUTE_COLUMNS, route, split_by_partition
from pipeline._settings import VARIABLES, Settings, SettingsError
from pipeline._wait import Polled, poll, wait, waiting_partitions

__all__ = [
    "ROUTE_COLUMNS",
    "VARIABLES",
    "Downloaded",
    "Loaded",
    "Log",
    "Parsed",
    "Polled",
    "Requested",
    "Settings",
    "SettingsError",
    "StepError",
    "download",
    "load",
    "merge_frames",
    "parse",
    "poll",
    "publish",
    "quiet",
    "read_stage",
    "request",
    "route",
    "split_by_partition",
    "stored_packages",
    "wait",
    "waiting_partitions",
]
