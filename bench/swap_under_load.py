#!/usr/bin/env python3
"""Latency and memory of the Discord interactions endpoint while a reindex swaps in.

Builds an index of the shipped corpus plus COPIES copies of every article of the shared
SQuAD half (in a temporary folder), starts `sitrep serve interactions`, drives it with
CONCURRENCY clients sending signed `/ask` interactions, runs `sitrep reindex` in another
process midway, and prints p50/p99/max latency before, during and after the swap, and
the endpoint's peak resident memory.

    bench/swap_under_load.sh [COPIES] [CONCURRENCY]     # sets up PyNaCl, then runs this

Needs a release build (`cargo build --release`) and PyNaCl (Ed25519 signing).
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import nacl.signing

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SITREP = os.environ.get("SITREP", os.path.join(ROOT, "target/release/sitrep"))
SQUAD = os.path.join(ROOT, "../shared/data/squad/dev-v1.1.part-dev.json")
QUESTIONS = [
    "how many drones were used?",
    "who leads Russia's delegation?",
    "where are the peace talks being held?",
    "how many people were on board the train?",
    "what was the drone operation codenamed?",
]


def corpus(folder, copies):
    """The shipped sources plus `copies` copies of each SQuAD article, as one archive."""
    sources = os.path.join(folder, "sources")
    shutil.copytree(os.path.join(ROOT, "index/sources"), sources)
    with open(SQUAD, encoding="utf-8") as f:
        articles = json.load(f)["data"]
    archive = os.path.join(folder, "squad-copies.jsonl")
    with open(archive, "w", encoding="utf-8") as out:
        for copy in range(copies):
            for article in articles:
                text = "\n\n".join(p["context"] for p in article["paragraphs"])
                record = {"id": f"{article['title']}-{copy}", "text": text}
                out.write(json.dumps(record) + "\n")
    return archive


def interaction(question):
    return json.dumps({
        "id": "1000", "application_id": "2000", "type": 2, "token": "interaction-token",
        "version": 1, "guild_id": "3000", "channel_id": "4000", "locale": "en-US",
        "guild_locale": "en-US", "app_permissions": "0", "entitlements": [],
        "attachment_size_limit": 10485760, "context": 0,
        "data": {"id": "5000", "name": "ask", "type": 1,
                 "options": [{"name": "question", "type": 3, "value": question}]},
        "member": {
            "user": {"id": "6000", "username": "reader", "discriminator": "0",
                     "global_name": "Reader", "avatar": None},
            "roles": [], "joined_at": "2025-06-01T00:00:00+00:00", "deaf": False,
            "mute": False, "flags": 0, "permissions": "0",
        },
    })


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def percentiles(latencies):
    if not latencies:
        return "no requests"
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (f"{len(ordered):6d} requests  p50 {statistics.median(ordered) * 1000:7.1f} ms  "
            f"p99 {p99 * 1000:7.1f} ms  max {ordered[-1] * 1000:7.1f} ms")


def main():
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    concurrency = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    key = nacl.signing.SigningKey(bytes(range(32)))
    folder = tempfile.mkdtemp(prefix="sitrep-swap-")
    try:
        archive = corpus(folder, copies)
        started = time.time()
        subprocess.run([SITREP, "--index", folder, "sources", "import", archive],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(f"index: shipped corpus + {copies} copies of the SQuAD half, "
              f"built in {time.time() - started:.1f} s")
        env = dict(os.environ, DISCORD_PUBLIC_KEY=key.verify_key.encode().hex(),
                   SITREP_RATE_LIMIT="1000000/1")
        env.pop("DISCORD_TOKEN", None)
        server = subprocess.Popen(
            [SITREP, "--index", folder, "serve", "interactions", "--listen", "127.0.0.1:0"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        url = None
        for line in server.stderr:
            if "interactions endpoint on " in line:
                url = line.strip().rsplit(" ", 1)[1]
                break
        threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()

        phase = ["before"]
        results = {"before": [], "during": [], "after": []}
        errors = []
        stop = threading.Event()
        peak = [0]

        def client(n):
            k = n
            while not stop.is_set():
                body = interaction(QUESTIONS[k % len(QUESTIONS)]).encode()
                k += 1
                stamp = str(int(time.time()))
                signature = key.sign(stamp.encode() + body).signature.hex()
                request = urllib.request.Request(url, data=body, headers={
                    "Content-Type": "application/json",
                    "X-Signature-Ed25519": signature, "X-Signature-Timestamp": stamp})
                began = time.perf_counter()
                current = phase[0]
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        response.read()
                    results[current].append(time.perf_counter() - began)
                except Exception as error:  # noqa: BLE001 - counted and shown
                    errors.append(repr(error))

        def sample():
            while not stop.is_set():
                peak[0] = max(peak[0], rss_kib(server.pid))
                time.sleep(0.05)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(concurrency)]
        threads.append(threading.Thread(target=sample))
        for t in threads:
            t.start()
        time.sleep(5)
        before_peak = peak[0]
        phase[0] = "during"
        started = time.time()
        subprocess.run([SITREP, "--index", folder, "reindex"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        reindex_s = time.time() - started
        # The endpoint notices the new generation at its next request; keep the phase
        # open a little so the swap itself is inside it.
        time.sleep(2)
        phase[0] = "after"
        time.sleep(5)
        stop.set()
        for t in threads:
            t.join()
        server.terminate()
        server.wait()
        print(f"{concurrency} concurrent /ask clients; reindex took {reindex_s:.1f} s")
        for name in ("before", "during", "after"):
            print(f"  {name:6s} {percentiles(results[name])}")
        print(f"  errors {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
        print(f"  endpoint RSS: peak {before_peak / 1024:.0f} MiB before the reindex, "
              f"{peak[0] / 1024:.0f} MiB overall")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
