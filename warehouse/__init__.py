"""DuckDB: tables from schemas, partition loads, analyst views, published read-only copy."""
