// Facts a document's measures state are replaced, not accumulated, on re-ingest; the loader
// then creates them afresh (no MERGE into high-degree theme, agency and region nodes).
MATCH (d:Document {id: $document_id})<-[:IN_DOCUMENT]-(m:Measure)-[r:IN_REGION|LED_BY|MENTIONS|HAS_THEME|REPLICATED_TO]->()
DELETE r
