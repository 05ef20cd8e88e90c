"""The local SAT sandbox: a real HTTP server on loopback that speaks SAT's bulk-download SOAP.

```python
from etl.sandbox import SandboxConfig, SandboxServer, generate_test_fiel, Fault, Operation

with SandboxServer(SandboxConfig(data_dir=tmp, rfcs=("AAA010101AAA",))) as sandbox:
    fiel = generate_test_fiel("AAA010101AAA", tmp / "fiel", "secret", data_dir=tmp)
    base_url = sandbox.base_url  # CFDI at f"{base_url}/cfdi/...", Retenciones at ".../retenciones/..."
    sandbox.faults.inject(Fault.HTTP_500, operation=Operation.VERIFY, times=2)
```
"""

from __future__ import annotations

from etl.sandbox._catalog import Catalog, CorpusCatalog, WrittenPackage
from etl.sandbox._codes import Code, RequestState
from etl.sandbox._config import SandboxConfig
from etl.sandbox._faults import Fault, FaultRule, Faults, Operation
from etl.sandbox._queries import Query
from etl.sandbox._server import SandboxServer
from etl.sandbox._test_ca import FielPaths, generate_test_fiel, sandbox_home

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
    "sandbox_home",
]
