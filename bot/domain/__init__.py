"""The pure roster domain: class names, person names, roster files and import plans, join codes,
the working-day calendar and table export.

Nothing here does I/O, touches the database or VK: plain values in, plain values out. Russian
user-facing text lives in ``bot.texts.roster``.
"""
