-- why: a busy conversation's events beyond what is kept in memory wait in the inbox and are read
-- back per conversation, in arrival order.
CREATE INDEX inbox_peer_pending ON inbox (peer_id, received_at) WHERE status = 'pending';
