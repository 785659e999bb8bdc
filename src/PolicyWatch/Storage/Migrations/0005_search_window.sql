-- Search finds the newest matches first (then ranks inside that window): an index in the order it reads them.
-- Not partial: the planner uses an expression index's statistics only when the index is not partial, and without
-- them it guesses date ranges six times too small and picks bitmap scans that read every article in the range.
CREATE INDEX articles_sort_idx ON articles ((coalesce(published_at, discovered_at)) DESC, id DESC);
