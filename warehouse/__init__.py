"""DuckDB: tables from schemas, partition loads, analyst views, published read-only copy.

```python
wh = Warehouse.open(path)
with wh.load(rfc, month, direction, "cfdi") as load:
    load.append(frames, source_package, source_sha256)   # as many batches as needed
    load.append_parquet({table: [paths]}, source_package, source_sha256)  # or from Parquet files
report = load.report
wh.publish()
```
"""

from warehouse._catalog import HISTORY, LOADS, Catalog, Dataset, StatusFeed, View
from warehouse._errors import (
    IncompatibleWarehouseError,
    LoadError,
    WarehouseError,
    WarehouseLockedError,
    disk_full,
)
from warehouse._lists import ListLoadReport, ListSource
from warehouse._load import Load, LoadReport
from warehouse._migrate import SCHEMA_VERSION
from warehouse._operations import (
    cancelled_after_load,
    current_list_dates,
    list_version_loaded,
    newly_listed_counterparties,
    partition_loads,
    status_disagreements,
    unreconciled,
)
from warehouse._status import ANSWER_COLUMNS as STATUS_ANSWER_COLUMNS
from warehouse._warehouse import DEFAULT_LOCK_WAIT_SECONDS, Warehouse, default_path, published_path

__all__ = [
    "DEFAULT_LOCK_WAIT_SECONDS",
    "HISTORY",
    "LOADS",
    "SCHEMA_VERSION",
    "STATUS_ANSWER_COLUMNS",
    "Catalog",
    "Dataset",
    "IncompatibleWarehouseError",
    "ListLoadReport",
    "ListSource",
    "Load",
    "LoadError",
    "LoadReport",
    "StatusFeed",
    "View",
    "Warehouse",
    "WarehouseError",
    "WarehouseLockedError",
    "cancelled_after_load",
    "current_list_dates",
    "default_path",
    "disk_full",
    "list_version_loaded",
    "newly_listed_counterparties",
    "partition_loads",
    "published_path",
    "status_disagreements",
    "unreconciled",
]
