-- why: a sanction VK refused is taken back once, and only what its own decision did. A mute
-- remembers the violation that gave it, so taking back an earlier decision leaves the mute a
-- later one gave (its chat was told); a violation remembers that its sanction failed, so a second
-- refusal (a moderator's «Удалить» VK refuses again) tells nobody twice.
ALTER TABLE mute ADD COLUMN violation_id INTEGER;
ALTER TABLE violation ADD COLUMN sanction_failed_at INTEGER;
