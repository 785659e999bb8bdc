-- A source read only after repairs (a damaged feed) says so: a warning, distinct from an error.
ALTER TABLE sources ADD COLUMN last_warning text;
