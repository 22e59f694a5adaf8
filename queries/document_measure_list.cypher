// A page of one document's measures in document order (a document's page, /api/measures?document=):
// found from the document by its key, where measure_list filters every measure (a document's page
// took 6.1 ms that way and 1.7 ms so at 10k measures; 16.4 ms that way at 100k).
MATCH (:Document {id: $document})<-[:IN_DOCUMENT]-(m:Measure)
WHERE m.kind = $kind
  AND ($region = '' OR m.region = $region)
RETURN m.id AS id, m.region AS region, m.document_id AS document, m.label AS label,
       m.section AS section, m.title AS title, m.text AS text, m.kind AS kind
ORDER BY document, m.ordinal
SKIP $offset
LIMIT $limit
