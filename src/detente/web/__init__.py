"""Stage 10, web: the REST API and the dashboard (``detente serve``), thin layers over the
store and the query functions."""
