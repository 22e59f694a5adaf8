"""Benchmarks: synthetic corpus -> ingest by stage, jieba floor, linking scale, API load, grep peer."""
