"""The soak's conductor (bench/soak.sh starts the server and calls this): for
DURATION seconds it runs, side by side,
  - cached reads: wrk on the front page and the newest article;
  - uncached reads: wrk on random articles;
  - the newsroom: an editor signed in over HTTP writes and publishes an article
    every few seconds, through the same forms a person uses;
  - the newsletter: a third of the way in, an issue is written in the admin and sent
    with `kolokol newsletter send` to the subscribers, over real SMTP to a sink here;
  - a flood: halfway, 20 seconds of random addresses from 256 connections;
and samples the server's RSS every 5 seconds. It prints what each part did, every
error (429 and 503 are deliberate only in the flood), and the RSS growth after the
warm-up (the first fifth of the run).

    python3 bench/soak.py WORK PORT SMTP_PORT PID DURATION N SUBSCRIBERS
"""

import asyncio
import http.cookiejar
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

work, port, smtp_port, pid, duration, n, subscribers = sys.argv[1:8]
port, smtp_port, duration, n, subscribers = int(port), int(smtp_port), int(duration), int(n), int(subscribers)
base = f"http://127.0.0.1:{port}"
kolokol = "target/release/kolokol"
problems = []
lock = threading.Lock()


def problem(text):
    with lock:
        problems.append(text)


# --- An SMTP sink that counts what it is given. ---
delivered = 0


async def smtp_session(reader, writer):
    global delivered
    writer.write(b"220 sink ESMTP\r\n")
    in_data = False
    while True:
        line = await reader.readline()
        if not line:
            break
        if in_data:
            if line == b".\r\n":
                in_data = False
                delivered += 1
                writer.write(b"250 kept\r\n")
            continue
        verb = line[:4].upper()
        if verb in (b"EHLO", b"HELO"):
            writer.write(b"250-sink\r\n250 8BITMIME\r\n")
        elif verb == b"DATA":
            in_data = True
            writer.write(b"354 go on\r\n")
        elif verb == b"QUIT":
            writer.write(b"221 bye\r\n")
            await writer.drain()
            break
        else:
            writer.write(b"250 ok\r\n")
        await writer.drain()
    writer.close()


def run_sink():
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(asyncio.start_server(smtp_session, "127.0.0.1", smtp_port))
    loop.run_until_complete(server.serve_forever())


threading.Thread(target=run_sink, daemon=True).start()


# --- The newsroom, over HTTP with a cookie jar. ---
class Newsroom:
    def __init__(self):
        jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
        self.csrf = ""

    def request(self, path, fields=None):
        data = None if fields is None else urllib.parse.urlencode(fields).encode()
        try:
            with self.opener.open(base + path, data, timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode(errors="replace")

    def sign_in(self):
        _, _, page = self.request("/admin/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        status, _, _ = self.request("/admin/login", {"csrf": token, "email": "soak@bell.example", "password": "a soak test password"})
        assert status == 303, f"sign-in answered {status}"
        _, _, page = self.request("/admin/articles/new")
        self.csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)

    def post(self, path, fields):
        return self.request(path, [("csrf", self.csrf)] + fields)


run = int(time.time()) % 1000000
newsroom = Newsroom()
newsroom.sign_in()
published = 0


def write_and_publish(stop):
    global published
    number = 0
    while not stop.is_set():
        number += 1
        status, headers, _ = newsroom.post("/admin/articles", [
            # The run's own words in the headline (so its slug), as WORK=dir keeps
            # the site and the articles of an earlier run between runs.
            ("headline", f"Soak dispatch {run} number {number}"),
            ("body", "The harbour was quiet this morning.\n\nA second paragraph, for the reader."),
            ("section", str(1 + number % 6)),
            ("authors", "1"),
            ("language", "en"),
        ])
        if status != 303:
            problem(f"writing article {number} answered {status}")
        else:
            edit = headers["Location"].split("?")[0]
            status, _, _ = newsroom.post(f"{edit}/publication", [("action", "publish")])
            if status != 303:
                problem(f"publishing article {number} answered {status}")
            else:
                published += 1
        stop.wait(5)


def send_newsletter():
    status, headers, _ = newsroom.post("/admin/newsletter", [
        ("subject", "The soak weekly"), ("intro", "What happened while we were loaded."),
        ("language", "en"), (f"order_{n - (n % 2)}", "1"), (f"order_{n - (n % 2) - 2}", "2"),
    ])
    if status != 303:
        problem(f"writing the newsletter issue answered {status}")
        return
    issue = re.search(r"/admin/newsletter/(\d+)", headers["Location"]).group(1)
    sent = subprocess.run([kolokol, "newsletter", "send", issue, "-c", f"{work}/kolokol.toml"],
                          capture_output=True, text=True)
    if sent.returncode != 0:
        problem(f"`kolokol newsletter send` failed: {sent.stderr.strip()[-300:]}")


def wrk(label, connections, seconds, script, path="/"):
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
                          "-s", script, base + path], capture_output=True, text=True).stdout
    found = re.search(r"^RESULT (.*)$", out, re.M)
    if not found:
        problem(f"{label}: wrk said nothing\n{out}")
        return None
    return found.group(1).split()


def rss():
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1)) / 1024


def rss_split():
    """Of the RSS: the heap and stacks, and files mapped (the program, the search index)."""
    with open(f"/proc/{pid}/status") as f:
        status = f.read()
    anon, files = (int(re.search(rf"{key}:\s+(\d+)", status).group(1)) / 1024 for key in ("RssAnon", "RssFile"))
    return f"heap {anon:.1f} MB (page cache {page_cache_mb()}), files {files:.1f} MB"


def page_cache_mb():
    """What the page cache says it holds (/metrics, open to loopback)."""
    try:
        with urllib.request.urlopen(base + "/metrics", timeout=5) as answer:
            text = answer.read().decode()
    except OSError:
        return "unknown"
    found = re.search(r"^kolokol_page_cache_bytes (\d+)", text, re.M)
    return f"{int(found.group(1)) / 1048576:.1f} MB" if found else "unknown"


results = {}


def load(label, *args, **kwargs):
    results[label] = wrk(label, *args, **kwargs)


stop = threading.Event()
threads = [
    threading.Thread(target=load, args=("cached reads", 8, duration, f"{work}/cached.lua")),
    threading.Thread(target=load, args=("uncached reads", 8, duration, f"{work}/walk.lua")),
    threading.Thread(target=write_and_publish, args=(stop,)),
]
for t in threads:
    t.start()
started = time.time()
samples = []
split_after_warm_up = None
newsletter_sent = flood_done = False
while time.time() - started < duration:
    elapsed = time.time() - started
    samples.append((elapsed, rss()))
    if split_after_warm_up is None and elapsed >= duration / 5:
        split_after_warm_up = rss_split()
    if not newsletter_sent and elapsed > duration / 3:
        newsletter_sent = True
        threading.Thread(target=send_newsletter).start()
    if not flood_done and elapsed > duration / 2:
        flood_done = True
        threading.Thread(target=load, args=("flood", 256, 20, f"{work}/flood.lua")).start()
    time.sleep(5)
stop.set()
for t in threads:
    t.join()
time.sleep(2)
split_at_end = rss_split()

print()
for label in ("cached reads", "uncached reads"):
    r = results.get(label)
    if r:
        rps, p50, p99, errors, total, bad = r
        print(f"{label:16} {float(rps):9.0f} req/s  p50 {p50} ms  p99 {p99} ms  {total} requests, {bad} answers not 2xx/3xx, {errors} socket errors")
        if int(bad) or int(errors):
            problem(f"{label}: {bad} answers not 2xx/3xx, {errors} socket errors")
r = results.get("flood")
if r:
    rps, p50, p99, errors, total, bad = r
    print(f"{'flood (20 s)':16} {float(rps):9.0f} req/s  {total} requests; 429/503 are deliberate here; {errors} socket errors")
print(f"newsroom         {published} articles written and published")
print(f"newsletter       {delivered} of {subscribers} messages delivered to the sink")
if delivered < subscribers:
    problem(f"the newsletter reached {delivered} of {subscribers} subscribers")
warm = [m for t, m in samples if t >= duration / 5]
if warm:
    first, last = warm[0], sum(m for _, m in samples[-6:]) / len(samples[-6:])
    growth = (last - first) / first * 100
    print(f"RSS              {samples[0][1]:.1f} MB at start, {first:.1f} MB after warm-up, {last:.1f} MB at the end: {growth:+.1f}% (goal: under 5%)")
    print(f"                 after warm-up {split_after_warm_up}; at the end {split_at_end}")
print()
if problems:
    print(f"{len(problems)} problems:")
    for p in problems:
        print("  " + p)
    sys.exit(1)
print("no errors")
