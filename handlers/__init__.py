"""Labeler factory: every feature module builds its BotLabeler from the App.

Built per Bot instance, so two bots in one process (tests) never share handlers.
"""

from __future__ import annotations

from vkbottle.bot import BotLabeler

from bot.runtime.app import App


def build_labelers(app: App) -> list[BotLabeler]:
    from handlers import (admin, announce, buttons, cabinet, chat_events, chats, common, hotline, linking, meetings,
                          menus, moderation, polls, posts, progress, reports, resources, roster, settings)

    return [
        # non-blocking observers of every chat message first (rights, counting, moderation)
        linking.observer_labeler(app),  # whoever writes privately is reachable again
        chat_events.labeler(app),
        moderation.labeler(app),
        linking.chat_code_labeler(app),  # a code posted in a chat: deleted (after it was counted)
        hotline.text_labeler(app),  # a hot-line question or answer being written: free text, never a «/» command
        common.help_labeler(app),
        polls.labeler(app),  # before the menus: a poll dialog waiting for its typed question takes the text
        meetings.labeler(app),  # also the typed steps of the post dialogs (before the menus, like polls)
        posts.labeler(app),
        announce.labeler(app),  # the announcement dialog's typed classes and text
        resources.labeler(app),  # a resource entry being typed after «Добавить»
        hotline.labeler(app),
        progress.labeler(app),  # /успеваемость with its file (before the roster's file-alone import)
        menus.labeler(app),  # commands typed without their argument ask for it with buttons
        settings.labeler(app),
        admin.labeler(app),
        roster.labeler(app),
        linking.labeler(app),
        chats.labeler(app),
        buttons.labeler(app),
        reports.labeler(app),
        cabinet.labeler(app),
        common.fallback_labeler(app),  # last: answers whatever no handler took
    ]
