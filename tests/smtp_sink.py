"""smtp_sink.py — a real SMTP server on 127.0.0.1 for the delivery tests.

    /usr/bin/python3 tests/smtp_sink.py DIR [--lifetime SECONDS]

Listens on 127.0.0.1, on a free port it writes to DIR/port once ready.
Every accepted message is written to DIR/msg-N.eml (the raw bytes as
received, after SMTP dot-unstuffing), with DIR/msg-N.env holding the
envelope ("MAIL FROM" and "RCPT TO" lines).
DIR/mode steers the answers, read at every RCPT: absent or "accept" takes
the mail; "451" answers "451 4.3.0 try again later" (a transient failure);
"550" answers "550 5.1.1 no such user" (a permanent one).
Exits by itself after --lifetime seconds (default 120), so a test that dies
never leaves it behind. Uses Debian's python3-aiosmtpd.
"""
import argparse
import asyncio
import glob
import os

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, directory):
        self.dir = directory
        # a restarted sink goes on numbering after what is there
        self.count = len(glob.glob(os.path.join(directory, "msg-*.eml")))

    def mode(self):
        try:
            with open(os.path.join(self.dir, "mode")) as f:
                return f.read().strip()
        except FileNotFoundError:
            return "accept"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        mode = self.mode()
        if mode == "451":
            return "451 4.3.0 try again later"
        if mode == "550":
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.dir, "msg-%d" % self.count)
        with open(base + ".env.tmp", "w") as f:
            f.write("MAIL FROM %s\n" % envelope.mail_from)
            for rcpt in envelope.rcpt_tos:
                f.write("RCPT TO %s\n" % rcpt)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        os.rename(base + ".env.tmp", base + ".env")
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 2.0.0 accepted"


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--lifetime", type=float, default=120)
    args = ap.parse_args()
    loop = asyncio.get_running_loop()
    handler = Sink(args.dir)
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="sink.local", decode_data=False),
        host="127.0.0.1", port=0)
    port = server.sockets[0].getsockname()[1]
    tmp = os.path.join(args.dir, "port.tmp")
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, os.path.join(args.dir, "port"))
    await asyncio.sleep(args.lifetime)
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
