-- why: a new printout for a class replaces that class's older codes only; a parent with children
-- in two classes keeps the code from the other class's sheet.
ALTER TABLE join_code ADD COLUMN class_id INTEGER REFERENCES class_group (id);
