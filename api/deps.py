"""Request-scoped access to the store and settings held by the app."""
from __future__ import annotations

from fastapi import Request

from graph.store import GraphStore
from policy_graph.settings import Settings


def get_store(request: Request) -> GraphStore:
    return request.app.state.store


def get_settings(request: Request) -> Settings:
    return request.app.state.settings
