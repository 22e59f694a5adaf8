// adopters_text_regions for Neo4j: rows ordered before they are collected (no list_sort),
// lists 0-based with an exclusive end.
MATCH (m:Measure)
WHERE m.kind = 'measure' AND all(t IN $terms WHERE m.text CONTAINS t)
WITH m.region AS region, coalesce(m.doc_date, '9999-99-99') + ' ' + m.id AS k
ORDER BY k
RETURN region, 'measure' AS via, count(*) AS n, collect(k)[0..$per_region] AS keys
