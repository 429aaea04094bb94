"""The composition root: configuration, logging, the server's wiring and the command line (nothing of the core)."""
