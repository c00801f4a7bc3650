#!/usr/bin/env bash
# Benchmark: a large archive under a crawler (issue 17's figures, in one run).
#
#   bench/scale.sh              # N = 100,000 articles, 20 s walks, 32 connections
#   bench/scale.sh 20000        # a smaller archive
#   DURATION=10 CONNECTIONS=64 bench/scale.sh
#
# 1. Generates N published articles straight into a SQLite database: half English,
#    half Russian, six sections, four authors, 400 tags of Zipf-like popularity (zero
#    to four per article, a tenth with none), bodies of 250-400 words from the demo
#    newsroom's own vocabulary.
# 2. Starts `kolokol serve` on it: start-up time and idle RSS.
# 3. A random cold walk: wrk asks for a different random article on every request
#    (so almost every page is rendered, not cached): requests/s, p50, p99, errors.
#    Meanwhile a steady reader asks for the front page: its p99.
# 4. A second walk, then RSS after both walks.
# 5. Deep list pages (page 4,000 of the archive, page 666 of a section, page 2 of a
#    tag), each timed cold and then cached; then, after a content change (made in
#    the database, as another node's), a deep page of the archive and of the
#    section again; the sitemap index and a sitemap part; the feed.
#
# Prints each figure and its ratio to the goal (issue 17): random walk >= 4,000
# req/s with p99 <= 20 ms; front page p99 <= 50 ms under the walk; RSS <= 64 MB
# after the walks; deep list pages <= 2 ms. Installs wrk from Debian's packages
# when missing. WORK=/some/dir keeps the generated site there between runs.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${1:-${N:-100000}}
DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
PORT=${PORT:-18092}

source bench/archive.sh
archive_config "renders_per_minute = 0
${EXTRA_SERVER:-}"
archive_generate

cat >"$work/walk.lua" <<LUA
local n = $N
local counter = 0
function setup(thread) thread:set("seed", counter * 7919 + os.time()); counter = counter + 1 end
function init() math.randomseed(seed) end
-- Odd articles are Russian: they live in the /ru edition.
function request()
  local i = math.random(1, n)
  return wrk.format("GET", (i % 2 == 1 and "/ru" or "") .. "/articles/a-" .. i)
end
$wrk_result_lua
LUA
echo "$wrk_result_lua" >"$work/steady.lua"

started=$(date +%s.%N)
archive_start
startup=$(echo "$(date +%s.%N) - $started" | bc)
sleep 1
idle=$(rss_mb)
printf '\n%-44s %10s\n' "start-up (s)" "$(printf '%.2f' "$startup")"
printf '%-44s %10s  (%s)\n' "RSS idle (MB)" "$idle" "$(rss_split)"

walk() { # label
  # The steady reader: one connection asking for the front page throughout.
  wrk -t1 -c1 -d"${DURATION}s" --latency -s "$work/steady.lua" "$base/" >"$work/steady.txt" &
  reader_pid=$!
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$work/walk.lua" "$base" >"$work/walk.txt"
  wait "$reader_pid"; reader_pid=
  read -r w_rps w_p50 w_p99 w_err w_n < <(awk '/^RESULT/ {print $2, $3, $4, $5, $6}' "$work/walk.txt")
  read -r _ _ f_p99 _ _ < <(awk '/^RESULT/ {print $2, $3, $4, $5, $6}' "$work/steady.txt")
  printf '%-44s %10.0f  (p50 %s ms, p99 %s ms, %s errors of %s)\n' "$1 random walk (req/s)" "$w_rps" "$w_p50" "$w_p99" "$w_err" "$w_n"
  printf '%-44s %10s\n' "  front page p99 during it (ms)" "$f_p99"
}
walk "first"
walk "second"
after=$(rss_mb)
printf '%-44s %10s  (%s)\n' "RSS after both walks (MB)" "$after" "$(rss_split)"

timed() { # label path: cold then cached, in ms
  local cold warm
  cold=$(curl -fsS -o /dev/null -w '%{time_total}' "$base$2")
  warm=$(curl -fsS -o /dev/null -w '%{time_total}' "$base$2")
  printf '%-44s %10.2f  (cached %.2f ms)\n' "$1 (ms)" "$(echo "$cold * 1000" | bc)" "$(echo "$warm * 1000" | bc)"
}
pages=$(( N / 25 ))
timed "archive page $pages" "/archive?page=$pages"
# Another deep page of the same list: its page marks are kept from the one before.
timed "archive page $(( pages - 1 )), marks kept" "/archive?page=$(( pages - 1 ))"
timed "section page $(( pages / 6 ))" "/sections/politics?page=$(( pages / 6 ))"
timed "tag page 2 of the most used tag" "/tags/tag-1?page=2"
# A change, as another node's would come: the content version moves in the
# database. The node sees it within a second and reads again, in the background,
# the marks of each edition's archive and of every list marked before.
python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=10)
db.execute("UPDATE site_state SET content_version = content_version + 1 WHERE id = 1")
db.commit()' "$work/data/kolokol.db"
sleep 2
timed "archive page $(( pages - 2 )), 2 s after a change" "/archive?page=$(( pages - 2 ))"
timed "section page $(( pages / 6 - 1 )), 2 s after a change" "/sections/politics?page=$(( pages / 6 - 1 ))"
timed "sitemap index" "/sitemap.xml"
if [ "$N" -gt 2000 ]; then # smaller sites have one sitemap, no parts
  part=$(( N / 2000 < 20 ? N / 2000 : 20 ))
  timed "sitemap part $part" "/sitemaps/$part.xml"
fi
timed "feed" "/feed.xml"

echo
awk -v r="$w_rps" -v p="$w_p99" -v f="$f_p99" -v m="$after" 'BEGIN {
  printf "ratio to goals: walk %.2f of 4,000 req/s; walk p99 %.2f of 20 ms; front page p99 %.2f of 50 ms; RSS %.2f of 64 MB\n",
    r / 4000, p / 20, f / 50, m / 64 }'
