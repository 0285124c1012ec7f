-- why: the job and the command hook may consume roster events at the same time (and several
-- workers may run): an event is claimed for a while before it is acted on, so nobody acts twice.
ALTER TABLE roster_event ADD COLUMN claim_token TEXT;
ALTER TABLE roster_event ADD COLUMN claimed_until INTEGER;
