// Every region for the picker; measure counts come from viz_region_measure_counts.
MATCH (r:Region)
RETURN r.name AS name, r.full_name AS full_name, r.name_en AS name_en, r.level AS level,
       r.parent AS parent
ORDER BY name
