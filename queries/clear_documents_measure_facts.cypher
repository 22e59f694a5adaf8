// Facts the measures of these documents state are replaced, not accumulated, on re-ingest; the
// loader then creates them afresh (no MERGE into high-degree theme, agency and region nodes).
// One statement for a group of documents; separate MATCH clauses keep the document a key lookup.
UNWIND $ids AS i
MATCH (d:Document {id: i})
MATCH (d)<-[:IN_DOCUMENT]-(m:Measure)
MATCH (m)-[r:IN_REGION|LED_BY|MENTIONS|HAS_THEME|HAS_PRACTICE|REPLICATED_TO]->()
DELETE r
