#!/usr/bin/env python3
"""A TCP proxy in front of PostgreSQL that counts round trips.

Usage: pg_round_trips.py LISTEN_PORT UPSTREAM_HOST UPSTREAM_PORT COUNT_FILE

Every client message that makes the server answer and wait for the next command ends a
round trip: Sync ('S', the end of an extended-protocol exchange, which is also what a sqlx
ping sends) and Query ('Q', a simple-protocol statement). Pipelined exchanges still count one
each. The running total is written to COUNT_FILE every 100 ms, so a benchmark reads it
before and after a fixed number of requests.
"""
import asyncio
import struct
import sys

SSL_REQUEST = 80877103
GSSENC_REQUEST = 80877104
round_trips = 0


async def pump_client(reader, writer):
    """Forwards client -> server, counting Sync and Query messages."""
    global round_trips
    startup = True
    buffer = b""
    while True:
        data = await reader.read(65536)
        if not data:
            break
        writer.write(data)
        buffer += data
        while True:
            if startup:
                # Untyped: int32 length, int32 code. SSL/GSS requests precede the real startup.
                if len(buffer) < 8:
                    break
                length, code = struct.unpack("!ii", buffer[:8])
                if len(buffer) < length:
                    break
                buffer = buffer[length:]
                if code not in (SSL_REQUEST, GSSENC_REQUEST):
                    startup = False
                continue
            if len(buffer) < 5:
                break
            kind = buffer[:1]
            (length,) = struct.unpack("!i", buffer[1:5])
            if len(buffer) < 1 + length:
                break
            if kind in (b"S", b"Q"):
                round_trips += 1
            buffer = buffer[1 + length:]
        await writer.drain()
    writer.close()


async def pump(reader, writer):
    while True:
        data = await reader.read(65536)
        if not data:
            break
        writer.write(data)
        await writer.drain()
    writer.close()


async def handle(client_reader, client_writer, host, port):
    try:
        server_reader, server_writer = await asyncio.open_connection(host, port)
    except OSError:
        client_writer.close()
        return
    await asyncio.gather(
        pump_client(client_reader, server_writer),
        pump(server_reader, client_writer),
        return_exceptions=True,
    )


async def report(path):
    while True:
        with open(path, "w") as f:
            f.write(f"{round_trips}\n")
        await asyncio.sleep(0.1)


async def main():
    listen_port, host, port, count_file = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    server = await asyncio.start_server(
        lambda r, w: handle(r, w, host, port), "127.0.0.1", int(listen_port)
    )
    async with server:
        await asyncio.gather(server.serve_forever(), report(count_file))


if __name__ == "__main__":
    asyncio.run(main())
