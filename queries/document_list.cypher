MATCH (d:Document)
RETURN d.id AS id, d.title AS title, d.region AS region, d.issuer AS issuer, d.date AS date,
       d.date_source AS date_source,
       d.script AS script, d.measure_count AS measure_count, d.level AS level
ORDER BY id
LIMIT $limit
