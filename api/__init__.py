"""FastAPI service: thin routers over named queries."""
