#!/usr/bin/env bash
# Soak: ten minutes of mixed load on a large archive, looking for errors and leaks.
#
#   bench/soak.sh               # N = 20,000 articles, 600 s, 2,000 subscribers
#   DURATION=120 N=5000 bench/soak.sh
#
# Generates the archive (bench/generate_archive.py; WORK=dir keeps it), adds an
# editor (`kolokol user add`) and the subscribers (`kolokol newsletter import`),
# starts `kolokol serve` with the newsletter going to an SMTP sink on loopback, and
# runs bench/soak.py: cached reads, uncached reads, an editor writing and
# publishing through the newsroom's forms every five seconds, a newsletter issue
# written in the admin and sent with `kolokol newsletter send` a third of the way
# in, and a 20-second flood of random addresses halfway. Every request comes from
# 127.0.0.1, so the per-address render limit is off (renders_per_minute = 0).
#
# Prints each part's figures, every error (429 and 503 count as errors except in
# the flood), and the RSS growth from the end of the warm-up (the first fifth) to
# the end (goal: under 5 %). Exits 1 when anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-20000}
DURATION=${DURATION:-600}
SUBSCRIBERS=${SUBSCRIBERS:-2000}
PORT=${PORT:-18094}
SMTP_PORT=${SMTP_PORT:-18095}

source bench/archive.sh
archive_config "renders_per_minute = 0
[newsletter]
smtp_url = \"smtp://127.0.0.1:$SMTP_PORT\"
from = \"The Weekly <weekly@bell.example>\"
connections = 4
rate_per_second = 1000"
archive_generate

if ! grep -q soak "$work/staff-added" 2>/dev/null; then
  echo "a soak test password" | $KOLOKOL user add --email soak@bell.example --role editor \
    --name "Soak Editor" -c "$work/kolokol.toml" >/dev/null
  { echo "email"; seq 1 "$SUBSCRIBERS" | sed 's/.*/reader-&@readers.example/'; } >"$work/subscribers.csv"
  $KOLOKOL newsletter import "$work/subscribers.csv" -c "$work/kolokol.toml" >/dev/null
  echo soak >"$work/staff-added"
fi

# Each wrk script ends on one RESULT line: requests/s, p50, p99 (ms), socket
# errors, requests, answers that were not 2xx or 3xx.
counting='
local threads = {}
function setup(thread) table.insert(threads, thread); thread:set("seed", #threads * 7919 + os.time()) end
function init() math.randomseed(seed); bad = 0 end
function response(status) if status >= 400 then bad = bad + 1 end end
function done(summary, latency, requests)
  local e, total = summary.errors, 0
  for _, t in ipairs(threads) do total = total + t:get("bad") end
  io.write(string.format("RESULT %.1f %.2f %.2f %d %d %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout, summary.requests, total))
end'
newest=$(( N % 2 == 0 ? N : N - 1 ))
cat >"$work/cached.lua" <<LUA
$counting
local i = 0
function request() i = i + 1; return wrk.format("GET", (i % 2 == 0) and "/" or "/articles/a-$newest") end
LUA
cat >"$work/walk.lua" <<LUA
$counting
function request()
  local i = math.random(1, $N)
  return wrk.format("GET", (i % 2 == 1 and "/ru" or "") .. "/articles/a-" .. i)
end
LUA
cat >"$work/flood.lua" <<LUA
$counting
function request()
  if math.random(1, 3) == 1 then return wrk.format("GET", "/articles/no-such-" .. math.random(1, 1000000000)) end
  local i = math.random(1, $N)
  return wrk.format("GET", (i % 2 == 1 and "/ru" or "") .. "/articles/a-" .. i)
end
LUA

archive_start
echo "soaking for ${DURATION}s: $N articles, $SUBSCRIBERS subscribers"
python3 bench/soak.py "$work" "$PORT" "$SMTP_PORT" "$kolokol_pid" "$DURATION" "$N" "$SUBSCRIBERS"
