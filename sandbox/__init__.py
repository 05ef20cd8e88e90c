"""The local SAT sandbox: a real HTTP server on loopback that speaks SAT's bulk-download SOAP.

```python
from sandbox import SandboxConfig, SandboxServer, generate_test_fiel, Fault, Operation

with SandboxServer(SandboxConfig(data_dir=tmp, rfcs=("AAA010101AAA",))) as sandbox:
    fiel = generate_test_fiel("AAA010101AAA", tmp / "fiel", "secret", data_dir=tmp)
    base_url = sandbox.base_url  # CFDI at f"{base_url}/cfdi/...", Retenciones at ".../retenciones/..."
    sandbox.faults.inject(Fault.HTTP_500, operation=Operation.VERIFY, times=2)
```
"""

from __future__ import annotations

from sandbox._catalog import Catalog, CorpusCatalog, WrittenPackage
from sandbox._codes import Code, RequestState
from sandbox._config import SandboxConfig
from sandbox._faults import Fault, FaultRule, Faults, Operation
from sandbox._queries import Query
from sandbox._server import SandboxServer
from sandbox._test_ca import FielPaths, generate_test_fiel

__all__ = [
    "Catalog",
    "Code",
    "CorpusCatalog",
    "Fault",
    "FaultRule",
    "Faults",
    "FielPaths",
    "Operation",
    "Query",
    "RequestState",
    "SandboxConfig",
    "SandboxServer",
    "WrittenPackage",
    "generate_test_fiel",
]
