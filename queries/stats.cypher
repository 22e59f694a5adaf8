// The graph's counts, one row per count (lookups.counts gives them as one mapping). One
// statement chaining `OPTIONAL MATCH .. WITH count(..)` over the five took 36 ms at 10k measures
// in LadybugDB, where the five counts cost 6.6 ms apart: as a union, 7.7 ms.
MATCH (d:Document) RETURN 'documents' AS what, count(*) AS n
UNION ALL
MATCH (m:Measure) WHERE m.kind = 'measure' RETURN 'measures' AS what, count(*) AS n
UNION ALL
MATCH (a:Agency) RETURN 'agencies' AS what, count(*) AS n
UNION ALL
MATCH (g:Region) RETURN 'regions' AS what, count(*) AS n
UNION ALL
MATCH ()-[r]->() RETURN 'relations' AS what, count(*) AS n
