-- why: nobody may be unreachable without the school knowing. VK refuses private messages to
-- people who never allowed the community to write to them (error 901); the bot remembers each
-- such account (from a refused send, or from messages.isMessagesFromGroupAllowed when a role is
-- given) so that /школа, the monthly reminder and the admin giving the role can say so, and
-- forgets it as soon as the person writes to the bot. Staff codes (/коды сотрудники) have no
-- class: an index finds a person's valid unredeemed codes when a sheet is printed again.

CREATE TABLE unreachable (
    vk_id  INTEGER PRIMARY KEY,
    since  INTEGER NOT NULL,
    source TEXT NOT NULL  -- send (VK refused a message) | check (messages not allowed) | deny (message_deny)
);

CREATE INDEX join_code_person_unused ON join_code (person_id) WHERE used_at IS NULL;
