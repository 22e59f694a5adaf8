MATCH (g:Region {name: $name})
RETURN g.name AS name, g.full_name AS full_name, g.name_en AS name_en, g.level AS level,
       g.parent AS parent, g.aliases AS aliases, g.kind AS kind, g.parents AS parents
