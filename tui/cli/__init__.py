"""The headless `lambdascope` command (DESIGN.md section 6). Never imports Textual: the TUI
launchers import the app only when a TUI is asked for."""

from tui.cli.lambdascope import main

__all__ = ["main"]
