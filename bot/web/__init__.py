"""The web cabinet: server-rendered pages for school admins and coordinators, served by the bot
process (aiohttp + Jinja2 templates, SVG charts, no JavaScript). A presentation layer like
``handlers``: it reads through services and the repo, decides access with ``bot.services.access``
and renders; it writes nothing but its own sessions."""
