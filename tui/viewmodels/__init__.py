"""Headless view-models: what the TUI panes show, derived from an Analysis without Textual."""
