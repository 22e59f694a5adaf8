// How many nodes of each type the graph holds, for the landing page; closing safeguards
// are counted apart so "Measure" means the numbered measures, as everywhere else.
MATCH (n)
RETURN CASE WHEN label(n) = 'Measure' AND n.kind = 'safeguard' THEN 'Safeguard' ELSE label(n) END AS label,
       count(*) AS n
