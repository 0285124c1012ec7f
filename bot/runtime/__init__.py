"""Running the bot: the composition root (``app``), the runner (polling or callback, queues,
shutdown), logging, health, the pre-flight checks of ``zavuch check`` and the demo."""
