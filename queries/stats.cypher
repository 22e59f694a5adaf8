OPTIONAL MATCH (d:Document)
WITH count(d) AS documents
OPTIONAL MATCH (m:Measure)
WHERE m.kind = 'measure'
WITH documents, count(m) AS measures
OPTIONAL MATCH (a:Agency)
WITH documents, measures, count(a) AS agencies
OPTIONAL MATCH (g:Region)
WITH documents, measures, agencies, count(g) AS regions
OPTIONAL MATCH ()-[r]->()
RETURN documents, measures, agencies, regions, count(r) AS relations
