"""Starts the bundled SNAP TEST server (snap_server.py) in the background, for trying the README's
"Call a SNAP API end to end" section: `python3 tests/e2e/serve.py --port 8780` returns once the
server listens on 127.0.0.1 and prints its process id (stop it with `kill PID`).

It acts as the provider profile given with --profile (default: generic; rows of profiles.py) and
registers one TEST client: MCPD00000006 with the public key tests/vectors/keys/rsa2048-public.pem,
the client secret from the environment variable CLIENT_SECRET, partner id (X-PARTNER-ID)
82150823919040624621823174737537 and channel id (CHANNEL-ID) 95221. It exits on its own after
--lifetime seconds (default 600).
"""

import argparse
import os
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from profiles import PROFILES  # noqa: E402
from snap_server import Client, SnapServer  # noqa: E402

KEYS = pathlib.Path(__file__).resolve().parents[1] / "vectors" / "keys"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8780)
    parser.add_argument("--profile", default="generic", choices=sorted(PROFILES))
    parser.add_argument("--lifetime", type=float, default=600)
    args = parser.parse_args()
    secret = os.environ.get("CLIENT_SECRET")
    if not secret:
        sys.exit("serve.py: set CLIENT_SECRET (the TEST client's secret) first")
    client = Client(
        "MCPD00000006",
        (KEYS / "rsa2048-public.pem").read_bytes(),
        secret,
        partner_id="82150823919040624621823174737537",
        channel_id="95221",
    )
    server = SnapServer([client], profile=PROFILES[args.profile])
    # The child serves; the parent returns once it listens (or prints why it could not).
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write_end)
        status = os.read(read_end, 4096).decode()
        if status != "ok":
            sys.exit(f"serve.py: {status or 'the server did not start'}")
        print(pid)
        return
    os.close(read_end)
    os.setsid()
    try:
        server.start(port=args.port)
    except OSError as e:
        os.write(write_end, f"127.0.0.1:{args.port}: {e.strerror}".encode())
        os._exit(1)
    os.write(write_end, b"ok")
    os.close(write_end)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    time.sleep(args.lifetime)
    server.stop()
    os._exit(0)

if __name__ == "__main__":
    main()
