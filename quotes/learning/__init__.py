"""Learning rules from human corrections: `quotes learn`."""
