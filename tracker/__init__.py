"""The write side: aggregates, the application service and plan import."""
