"""The server's JSON: the bytes orjson gives, as FastAPI's ORJSONResponse did before FastAPI
deprecated it (0.165). The research answers are plain dicts and lists built to be sent as they are;
orjson encodes them ~10x faster than json.dumps, and routes that skip FastAPI's serialiser return
this class directly (api/routers/research.py)."""
from __future__ import annotations

from typing import Any

import orjson
from fastapi.responses import JSONResponse


class OrjsonResponse(JSONResponse):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        # the options FastAPI's class passed: non-string keys are written as strings, not refused
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY)
