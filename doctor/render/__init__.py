"""Renderers: each formats the same Report and decides nothing."""
