-- Gaps in API coverage found by the extract (more than 50 plays between two polls):
-- no play between gap_from and gap_to could be seen through the API.
-- key: id
-- check: expression(gap_from <= gap_to)
SELECT listener_id, id, source, gap_from, gap_to, reason FROM raw_gaps
