"""One screen per module: checks (the default), diagnose, knowledge, the fix dialog, help."""
