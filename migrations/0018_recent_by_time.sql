-- why: the recent-message fingerprints are now read from memory and only written (with each
-- event); old rows are dropped every few minutes by time, which needs an index on the time.
CREATE INDEX recent_message_at ON recent_message (at);
