"""policy-graph: a cross-region policy comparison knowledge graph."""
__version__ = "0.1.0"
