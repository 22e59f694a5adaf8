"""Ingest: bytes -> text -> numbered measures -> plain records (see ingest/records.py).

Public entry points live in ingest.pipeline: ingest_file, ingest_bytes, ingest_paths, load_manifest.
"""
