#!/usr/bin/env python3
"""Opens N TLS connections to HOST:PORT (SNI and Host = NAME), sends one keep-alive request on each, holds them
idle for HOLD seconds, then closes them all. Prints 'open <n>' once all are up and 'closed' at the end."""
import asyncio
import ssl
import sys

host, port, name, count, hold = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
request = f"GET /.well-known/posh/xmpp-server.json HTTP/1.1\r\nHost: {name}\r\n\r\n".encode()


async def one(gate):
    async with gate:
        for _ in range(5):
            try:
                reader, writer = await asyncio.open_connection(host, port, ssl=context, server_hostname=name)
                writer.write(request)
                await writer.drain()
                await reader.readuntil(b"\r\n\r\n")
                return writer
            except (OSError, asyncio.IncompleteReadError, ssl.SSLError):
                await asyncio.sleep(0.1)
        return None


async def main():
    gate = asyncio.Semaphore(64)  # handshakes in flight at once
    writers = [w for w in await asyncio.gather(*(one(gate) for _ in range(count))) if w is not None]
    print(f"open {len(writers)}", flush=True)
    await asyncio.sleep(hold)
    for writer in writers:
        writer.close()
    await asyncio.gather(*(w.wait_closed() for w in writers), return_exceptions=True)
    print("closed", flush=True)


asyncio.run(main())
