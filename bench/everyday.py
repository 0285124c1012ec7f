"""Issue 12's two measurements in one run: an announcement to 500 chats (batched vs one call per
chat, at VK's 20 req/s) and a poll with 300 voters pressing within 10 s (live-count edits, press →
snackbar p99, and the violation → delete latency elsewhere with and without the poll).

Each part is its own script (``announce_bench.py``, ``polls_bench.py``) with its own options; this
runs both with their defaults, one after the other, so their tables are printed side by side.

    python bench/everyday.py
"""

from __future__ import annotations

import asyncio
import sys

import announce_bench
import polls_bench


async def main() -> None:
    for title, module in (("Announcement to 500 chats", announce_bench), ("Poll with 300 voters", polls_bench)):
        print(f"\n=== {title} ({module.__name__}.py) ===", flush=True)
        sys.argv = [f"{module.__name__}.py"]  # each part parses its own defaults
        await module.main()


if __name__ == "__main__":
    asyncio.run(main())
