"""The command line: argument parsing, one module per command that is more than a few lines,
exit codes. The top layer: it may import anything, and imports the TUI only on the
interactive path (so --json, check and diagnose never load Textual).
"""
