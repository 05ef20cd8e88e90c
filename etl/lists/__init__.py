"""SAT's published lists of taxpayers (Art. 69-B and Art. 69), read from the files SAT publishes, with
every quirk of the real files (see ../shared/docs/sat-lists-and-status.md), and fetched from SAT.

```python
read = read_list(Path("Listado_completo_69-B.csv"))   # recognised by content, not name
for batch in read.batches():                           # frames of schemas.lists, streamed
    batch.rows, batch.rejects
fetched = fetch_lists(base_url, folder)                # If-Modified-Since, sha256: only what changed
```
"""

from etl.lists._fetch import DEFAULT_BASE_URL, LIST_FILES, FetchedFile, fetch_lists
from etl.lists._layout import FAMILY_69, FAMILY_69B, ListFileError
from etl.lists._read import ListBatch, ListRead, read_list, sha256_of

__all__ = [
    "DEFAULT_BASE_URL",
    "FAMILY_69",
    "FAMILY_69B",
    "LIST_FILES",
    "FetchedFile",
    "ListBatch",
    "ListFileError",
    "ListRead",
    "fetch_lists",
    "read_list",
    "sha256_of",
]
