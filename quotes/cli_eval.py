"""`quotes eval`: placeholder until the evaluation lands."""
COMMANDS: list = []
