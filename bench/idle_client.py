#!/usr/bin/env python3
"""Opens COUNT TLS connections to HOST:PORT (SNI and Host = NAME), sends one keep-alive request on each and reads the
whole response, holds them all idle for HOLD seconds, then closes them all.

usage: idle_client.py HOST PORT NAME COUNT HOLD [SOURCE_ADDRESS ...]

HOLD is seconds, or the path of a file: then the connections are held until that file exists (bench/idle.sh runs
one client per source address and closes them all at once that way).

Connections are spread over the SOURCE_ADDRESSes (loopback addresses of the caller's range) so that ten thousand of
them, burst after burst, never run short of ephemeral ports or trip over the previous burst's TIME_WAIT entries.
Prints 'open <n>' once all are up (n = those that answered), 'failed <n>', and 'closed' at the end."""
import asyncio
import os
import ssl
import sys

host, port, name, count, hold = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
hold_file = None if hold.replace(".", "", 1).isdigit() else hold
sources = sys.argv[6:] or [None]
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
request = f"GET /.well-known/posh/xmpp-server.json HTTP/1.1\r\nHost: {name}\r\n\r\n".encode()


async def one(index, gate):
    source = sources[index % len(sources)]
    async with gate:
        for _ in range(5):
            try:
                reader, writer = await asyncio.open_connection(
                    host, port, ssl=context, server_hostname=name,
                    local_addr=(source, 0) if source else None)
                writer.write(request)
                await writer.drain()
                head = await reader.readuntil(b"\r\n\r\n")
                # Read the body too: what stays is a truly idle connection, nothing buffered on either side.
                length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), 0)
                if length:
                    await reader.readexactly(length)
                return writer
            except (OSError, asyncio.IncompleteReadError, ssl.SSLError):
                await asyncio.sleep(0.1)
        return None


async def main():
    gate = asyncio.Semaphore(64)  # handshakes in flight at once
    results = await asyncio.gather(*(one(i, gate) for i in range(count)))
    writers = [w for w in results if w is not None]
    print(f"open {len(writers)}", flush=True)
    print(f"failed {count - len(writers)}", flush=True)
    if hold_file:
        while not os.path.exists(hold_file):
            await asyncio.sleep(0.2)
    else:
        await asyncio.sleep(float(hold))
    for writer in writers:
        writer.close()
    await asyncio.gather(*(w.wait_closed() for w in writers), return_exceptions=True)
    print("closed", flush=True)


asyncio.run(main())
