"""The settings for one command, read once; a variable that cannot be used is a one-line error."""

from __future__ import annotations

import click

from pipeline import Settings, SettingsError

__all__ = ["read_settings"]


def read_settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None
