-- why: reports read a school's chats day by day; without this index a school's month scans the
-- whole region's activity.
CREATE INDEX activity_chat_day ON activity (chat_id, day);
