"""The library, in the order the data flows: `sat` (SAT's web service), `acquire` (plan, ledger, package
store, the request cycle), `parse` (packages, metadata, CFDI, Retenciones), `staging` (parsed frames as
Parquet), plus `registry` (where each RFC's e.firma lives) and `quality` (the data-quality checks).

Never imports dagster, the warehouse or the sandbox.
"""
