"""Widgets that display the model; none of them runs a probe or matches text."""
