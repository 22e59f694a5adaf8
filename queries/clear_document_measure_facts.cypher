// Facts a document's measures state are replaced, not accumulated, on re-ingest.
MATCH (d:Document {id: $document_id})<-[:IN_DOCUMENT]-(m:Measure)-[r:LED_BY|MENTIONS|HAS_THEME|REPLICATED_TO]->()
DELETE r
