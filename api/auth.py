"""Bearer-token check for the endpoints that write; reads never ask for it."""
from __future__ import annotations

import hmac

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

ENABLE_HINT = "set POLICY_GRAPH_TOKEN on the server to enable uploads"

# auto_error=False: we answer a missing token ourselves, with 401 and a message, not FastAPI's 403.
bearer = HTTPBearer(auto_error=False, description="POLICY_GRAPH_TOKEN of the server")


def require_writer(request: Request,
                   credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
    """401 for a missing or wrong token; 403 when the server has no token, so writes are off."""
    token = request.app.state.settings.token
    if not token:
        raise HTTPException(status_code=403, detail=f"uploads are disabled: {ENABLE_HINT}")
    given = credentials.credentials if credentials else ""
    # compare_digest keeps the comparison time independent of how much of the token matched.
    if not hmac.compare_digest(given.encode("utf-8", "replace"), token.encode("utf-8")):
        raise HTTPException(status_code=401, detail="a valid bearer token is required to upload",
                            headers={"WWW-Authenticate": "Bearer"})
