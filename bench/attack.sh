#!/usr/bin/env bash
# Benchmark: a flood of random addresses against a large archive, and a steady reader.
#
#   bench/attack.sh             # N = 20,000 articles, 20 s per phase, 256 flood connections
#   N=100000 DURATION=30 FLOOD=512 bench/attack.sh
#
# Generates the archive (bench/generate_archive.py; WORK=dir keeps it between runs),
# starts `kolokol serve`, warms the front page and the newest article, then runs two
# phases. In each, wrk floods the server with requests for random addresses (random
# articles, a third of them addresses that do not exist, so almost nothing is
# cached) while a second wrk, one connection, plays a reader asking for the front
# page and the newest article over and over.
#
#   1. "one flooding address": the default limits. Everything comes from 127.0.0.1, so
#      the per-address limit on renders ([server] renders_per_minute) answers most of
#      the flood with 429.
#   2. "many flooding addresses": renders_per_minute = 0, as if the flood came from
#      everywhere; only the cap on concurrent renders and load shedding (503) stand.
#
# Prints per phase: the reader's requests/s, p50 and p99 (goal: p99 <= 50 ms), the
# flood's requests/s and its answers by status (200/404/429/503, other), RSS, and
# whether /readyz said "overloaded" during the flood. Installs wrk when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-20000}
DURATION=${DURATION:-20}
FLOOD=${FLOOD:-256}
PORT=${PORT:-18093}

source bench/archive.sh
archive_config ""
archive_generate

cat >"$work/flood.lua" <<LUA
local n = $N
local threads = {}
local counter = 0
function setup(thread)
  thread:set("seed", counter * 7919 + os.time()); counter = counter + 1
  table.insert(threads, thread)
end
function init() math.randomseed(seed); counts = {} end
function request()
  local i = math.random(1, n)
  local path
  if math.random(1, 3) == 1 then
    path = "/articles/no-such-" .. math.random(1, 1000000000)
  else
    path = (i % 2 == 1 and "/ru" or "") .. "/articles/a-" .. i
  end
  return wrk.format("GET", path)
end
function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("counts")) do
      total[status] = (total[status] or 0) + count
    end
  end
  local other = 0
  for status, count in pairs(total) do
    if status ~= 200 and status ~= 404 and status ~= 429 and status ~= 503 then other = other + count end
  end
  io.write(string.format("RESULT %.1f %d %d %d %d %d\n",
    summary.requests / (summary.duration / 1e6),
    total[200] or 0, total[404] or 0, total[429] or 0, total[503] or 0, other))
end
LUA
cat >"$work/reader.lua" <<'LUA'
local paths = { "/", "/articles/a-NEWEST" }
local i = 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init() refused = {} end
function request() i = i + 1; return wrk.format("GET", paths[(i % #paths) + 1]) end
function response(status)
  if status >= 400 then refused[status] = (refused[status] or 0) + 1 end
end
function done(summary, latency, requests)
  local e = summary.errors
  local statuses = ""
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("refused")) do statuses = statuses .. "," .. status .. "=" .. count end
  end
  io.write(string.format("RESULT %.1f %.2f %.2f %d status:%d%s,connect:%d,read:%d,write:%d,timeout:%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.status + e.connect + e.read + e.write + e.timeout, e.status, statuses, e.connect, e.read, e.write, e.timeout))
end
LUA
newest=$(( N % 2 == 0 ? N : N - 1 )) # the newest English article
sed -i "s/a-NEWEST/a-$newest/" "$work/reader.lua"

phase() { # label extra-server-lines
  archive_config "$2"
  archive_start
  # The reader shares the flood's address (everything here is 127.0.0.1), so its
  # pages are warmed once start-up's own content change (articles found due) has
  # emptied the cache; a real reader elsewhere is never held to the flood's quota.
  sleep 2
  curl -fsS -o /dev/null "$base/" && curl -fsS -o /dev/null "$base/articles/a-$newest"
  wrk -t1 -c1 -d"${DURATION}s" --latency -s "$work/reader.lua" "$base" >"$work/reader.txt" &
  local reader=$!
  wrk -t2 -c"$FLOOD" -d"${DURATION}s" --timeout 10s -s "$work/flood.lua" "$base" >"$work/flood.txt" &
  local flood=$!
  local overloaded=no
  for _ in $(seq 1 $(( DURATION * 2 ))); do
    sleep 0.5
    curl -fsS -o /dev/null "$base/readyz" 2>/dev/null || overloaded=yes
  done
  wait "$reader" "$flood"
  local rss
  rss=$(rss_mb)
  archive_stop
  read -r r_rps r_p50 r_p99 r_err r_kinds < <(awk '/^RESULT/ {print $2, $3, $4, $5, $6}' "$work/reader.txt")
  read -r f_rps f_200 f_404 f_429 f_503 f_other < <(awk '/^RESULT/ {print $2, $3, $4, $5, $6, $7}' "$work/flood.txt")
  printf '\n%s\n' "$1"
  printf '  reader: %.0f req/s, p50 %s ms, p99 %s ms, %s errors (%s) (goal: p99 <= 50 ms; ratio %.2f)\n' \
    "$r_rps" "$r_p50" "$r_p99" "$r_err" "$r_kinds" "$(echo "$r_p99 / 50" | bc -l)"
  printf '  flood:  %.0f req/s; 200: %s, 404: %s, 429: %s, 503: %s, other: %s\n' \
    "$f_rps" "$f_200" "$f_404" "$f_429" "$f_503" "$f_other"
  printf '  RSS after: %s MB; /readyz said not ready during the flood: %s\n' "$rss" "$overloaded"
}

echo "flooding with $FLOOD connections for ${DURATION}s per phase, $N articles"
phase "1. one flooding address (default limits)" ""
phase "2. many flooding addresses (renders_per_minute = 0)" "renders_per_minute = 0"
