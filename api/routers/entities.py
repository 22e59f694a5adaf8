"""One agency, one document: the answers the agency and document pages draw (policy_graph.lookups)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query

from api.deps import get_store
from graph.store import GraphStore
from policy_graph import lookups
from policy_graph.research import Trace

router = APIRouter(prefix="/api", tags=["graph"])


def one_agency(trace: Trace, key: str) -> dict[str, Any]:
    """The agency an id or a name names, or the error that says why not (none, or several)."""
    found = lookups.find_agencies(trace, key)
    if len(found) == 1:
        return found[0]
    if not found:
        raise HTTPException(status_code=404, detail=f"no agency {key!r}")
    raise HTTPException(status_code=422, detail=f"{key!r} names {len(found)} agencies; ask for one of: "
                                                + ", ".join(a["id"] for a in found))


@router.get("/agencies/{key}")
def agency(key: str, limit: int = Query(lookups.AGENCY_MEASURES, ge=1, le=lookups.AGENCY_MEASURES,
                                        description="measures per role, earliest first"),
           store: GraphStore = Depends(get_store)) -> dict[str, Any]:
    """An agency (its id 厦门|市科技局, or a name naming one agency) and the measures it leads or
    supports, by role, across regions, each with its document and the document's date and
    date_source."""
    trace = Trace(store)
    return lookups.agency_profile(trace, one_agency(trace, key), limit)


@router.get("/documents/{document_id}")
def document(document_id: str, store: GraphStore = Depends(get_store)) -> dict[str, Any]:
    """A document's metadata (title, issuer, doc number, date, region), where each was read
    (provenance), and its measures in document order."""
    answer = lookups.document_profile(Trace(store), document_id)
    if answer is None:
        raise HTTPException(status_code=404, detail=f"document {document_id!r} not found")
    return answer
