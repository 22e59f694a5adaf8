"""Graph layer: one store interface, one module per backend, schema, loader, linker."""
