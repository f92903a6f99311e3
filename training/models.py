"""People on the roster, the course catalogue and training records."""
