-- The purchase stage and relationship the grading job computes (issue 12, item 3), beside the
-- rep's own purchase_stage and relationship, which no server job ever writes: a first order makes
-- grade_stage 'customer' and grade_relationship 'existing' while the rep's fields stay as the rep
-- set them. Server-owned like every grade_ column (reps' devices never write them; the server's
-- push gate refuses them). Migrations only add columns: versions refer to columns by position.
ALTER TABLE customers ADD COLUMN grade_stage TEXT;
ALTER TABLE customers ADD COLUMN grade_relationship TEXT;
