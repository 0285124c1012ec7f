"""`python -m vkemu --port 8081 [--host 127.0.0.1] [--token T] [--group-id N]`."""
from __future__ import annotations

import argparse
import asyncio
import signal

from .emulator import Emulator


async def _serve(args: argparse.Namespace) -> None:
    emu = Emulator(group_id=args.group_id, token=args.token, rps_limit=args.rps_limit,
                   group_name=args.group_name)
    base = await emu.start(host=args.host, port=args.port)
    print(f"vkemu listening on {base}", flush=True)
    print(f"  API:     {base}/method/", flush=True)
    print(f"  token:   {emu.token}", flush=True)
    print(f"  group:   {emu.group_id}", flush=True)
    print(f"  control: {base}/_emu/state", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except NotImplementedError:  # pragma: no cover (Windows)
            pass
    await stop.wait()
    await emu.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m vkemu", description="VK API emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="emu-token")
    parser.add_argument("--group-id", type=int, default=1000)
    parser.add_argument("--group-name", default="Завуч")
    parser.add_argument("--rps-limit", type=int, default=20)
    asyncio.run(_serve(parser.parse_args()))


if __name__ == "__main__":
    main()
