"""The library: SAT client, sandbox, parsers, sync state. Never imports dagster."""
