"""Backends implementing graph.store.GraphStore."""
