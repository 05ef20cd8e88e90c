"""The Dagster code location (`assets/definitions.py`): partitions, resources, assets, checks, automation.

`PIPELINE` is the ordered steps of one RFC × month partition, for callers that materialize in-process.
"""

from assets._assets import PIPELINE

__all__ = ["PIPELINE"]
