#!/usr/bin/env python3
"""A real SMTP server for the mail tests: aiosmtpd, writing each message it accepts to a
directory as `<n>.json` ({"to", "from", "subject", "text", "html"}, the parts decoded from
their transfer encoding) beside the raw `<n>.eml`. Each is written to a temporary name first,
so a reader never sees half a mail. Prints `ready <port>` once it listens.

    smtp_sink.py <maildir> [port]     port 0 (the default) picks a free one
"""
import asyncio
import email
import email.policy
import itertools
import json
import os
import sys

from aiosmtpd.smtp import SMTP

COUNTER = itertools.count(1)


class Store:
    def __init__(self, maildir):
        self.maildir = maildir

    def write(self, name, data):
        tmp = os.path.join(self.maildir, f".{name}.tmp")
        with open(tmp, "wb") as out:
            out.write(data)
        os.replace(tmp, os.path.join(self.maildir, name))

    async def handle_DATA(self, server, session, envelope):
        n = next(COUNTER)
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        parsed = {
            "to": envelope.rcpt_tos,
            "from": envelope.mail_from,
            "subject": str(message["subject"] or ""),
            "text": text.get_content() if text else "",
            "html": html.get_content() if html else "",
        }
        stem = f"{os.getpid()}-{n:06}"
        self.write(f"{stem}.eml", raw)
        self.write(f"{stem}.json", json.dumps(parsed).encode())
        return "250 Message accepted for delivery"


def main():
    maildir = sys.argv[1]
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    os.makedirs(maildir, exist_ok=True)
    handler = Store(maildir)
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(
        loop.create_server(lambda: SMTP(handler), host="127.0.0.1", port=port)
    )
    bound = server.sockets[0].getsockname()[1]
    print(f"ready {bound}", flush=True)
    loop.run_forever()


if __name__ == "__main__":
    main()
