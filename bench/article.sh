#!/usr/bin/env bash
# Benchmark: one article page served by Kolokol versus the same bytes served by nginx
# from disk, both on loopback, both loaded by wrk in the same run.
#
#   bench/article.sh            # 5 rounds of 5 s per server, 2 threads, 64 connections
#   ROUNDS=9 DURATION=10s CONNECTIONS=128 bench/article.sh
#   KOLOKOL_BIN=/tmp/kolokol-before bench/article.sh   # a binary built already
#
# "The same bytes" is the whole answer: nginx sends the page from disk with the
# headers Kolokol's answer carries (its security policy and the rest, read from that
# answer), so wrk, which shares the two cores, parses as much from each. nginx without
# those headers is measured too, for reference. The servers take turns round by
# round (the order flips each round), so a slow patch of the machine falls on both.
#
# Prints requests/s (mean over the rounds), the worst round's p99 latency, each
# server's and wrk's CPU time per request, and the ratio Kolokol/nginx two ways:
# of the means, and the median of the rounds' own ratios (each round measures both
# servers back to back). The machine's speed drifts by ±10 % from one round to the
# next (wrk shares its two cores with the server); the median of paired rounds is
# the figure such drift moves least, and the lowest and highest round are printed
# beside it.
# Installs nginx and wrk from Debian's packages when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-5s}
ROUNDS=${ROUNDS:-5}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
KOLOKOL_PORT=${KOLOKOL_PORT:-18080}
NGINX_PORT=${NGINX_PORT:-18081}
BARE_PORT=${BARE_PORT:-18082}
ARTICLE=/articles/parliament-passes-sovereign-internet-law-in-a-single-afternoon

missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d)
cleanup() {
  [ -n "${kolokol_pid:-}" ] && kill "$kolokol_pid" 2>/dev/null && wait "$kolokol_pid" 2>/dev/null
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# KOLOKOL_BIN: a binary built already (to compare builds); otherwise a release build.
if [ -z "${KOLOKOL_BIN:-}" ]; then
  echo "building kolokol (release)…"
  cargo build --release --quiet -p kolokol
  KOLOKOL_BIN=target/release/kolokol
fi

"$KOLOKOL_BIN" demo --listen "127.0.0.1:$KOLOKOL_PORT" --data "$work/data" >"$work/kolokol.log" 2>&1 &
kolokol_pid=$!
for _ in $(seq 1 600); do
  curl -fsS -o /dev/null "http://127.0.0.1:$KOLOKOL_PORT/healthz" 2>/dev/null && break
  sleep 0.1
done
curl -fsS -D "$work/headers.txt" -o "$work/article.html" "http://127.0.0.1:$KOLOKOL_PORT$ARTICLE"
bytes=$(wc -c <"$work/article.html")

mkdir -p "$work/www/articles" "$work/nginx-tmp"
cp "$work/article.html" "$work/www$ARTICLE"
# nginx workers run as an unprivileged user; let them read the page.
chmod a+rx "$work"
chmod -R a+rX "$work/www"
# Kolokol's own headers, for nginx to send as well; nginx writes the status line,
# Date, Content-Length, Content-Type, ETag, Last-Modified and Connection itself.
add_headers=$(tr -d '\r' <"$work/headers.txt" | awk -F': ' '
  NR == 1 || NF < 2 { next }
  tolower($1) ~ /^(date|content-length|content-type|etag|last-modified|connection)$/ { next }
  $0 ~ /["$\\]/ { print "kolokol header not copied: " $1 > "/dev/stderr"; next }
  { value = substr($0, length($1) + 3); printf "    add_header %s \"%s\" always;\n", $1, value }')
cat >"$work/nginx.conf" <<CONF
worker_processes $THREADS;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  open_file_cache max=64 inactive=60s;
  open_file_cache_valid 60s;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path $work/nginx-tmp;
  proxy_temp_path $work/nginx-tmp;
  fastcgi_temp_path $work/nginx-tmp;
  uwsgi_temp_path $work/nginx-tmp;
  scgi_temp_path $work/nginx-tmp;
  default_type text/html;
  charset utf-8;
  server_tokens off;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $work/www;
    etag on;
$add_headers
  }
  server {
    listen 127.0.0.1:$BARE_PORT;
    root $work/www;
    etag on;
  }
}
CONF
"$NGINX" -c "$work/nginx.conf"
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$NGINX_PORT$ARTICLE" 2>/dev/null && break
  sleep 0.05
done
cmp -s "$work/article.html" <(curl -fsS "http://127.0.0.1:$NGINX_PORT$ARTICLE") || { echo "nginx does not serve the same bytes" >&2; exit 1; }

header_bytes() { curl -fsS -D - -o /dev/null "$1" | wc -c; }
k_head=$(header_bytes "http://127.0.0.1:$KOLOKOL_PORT$ARTICLE")
n_head=$(header_bytes "http://127.0.0.1:$NGINX_PORT$ARTICLE")
b_head=$(header_bytes "http://127.0.0.1:$BARE_PORT$ARTICLE")

# CPU ticks (user + system) of the given processes so far.
ticks() {
  local total=0 pid
  for pid in "$@"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
  echo "$total"
}
clock_ticks=$(getconf CLK_TCK)
nginx_workers=$(pgrep -P "$(cat "$work/nginx.pid")" | tr '\n' ' ')

declare -A total_rps worst_p99 server_ticks wrk_cpu requests each_rps
measure() { # name port pids...: one round, added to the name's totals
  local name=$1 port=$2
  shift 2
  local before out after
  before=$(ticks "$@")
  out=$( { time -p wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
    "http://127.0.0.1:$port$ARTICLE"; } 2>&1)
  after=$(ticks "$@")
  echo "$out" >>"$work/wrk-$name.txt"
  local rps p99 count cpu
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
  count=$(awk '/requests in/ {print $1}' <<<"$out")
  cpu=$(awk '/^user/ {u = $2} /^sys/ {s = $2} END {print u + s}' <<<"$out")
  total_rps[$name]=$(awk -v a="${total_rps[$name]:-0}" -v b="$rps" 'BEGIN {print a + b}')
  each_rps[$name]="${each_rps[$name]:-}$rps "
  worst_p99[$name]=$(awk -v a="${worst_p99[$name]:-0}" -v b="$p99" 'BEGIN {print (b > a ? b : a)}')
  server_ticks[$name]=$(( ${server_ticks[$name]:-0} + after - before ))
  wrk_cpu[$name]=$(awk -v a="${wrk_cpu[$name]:-0}" -v b="$cpu" 'BEGIN {print a + b}')
  requests[$name]=$(( ${requests[$name]:-0} + count ))
}

to_ms() { # wrk latency like 1.23ms / 456.00us / 1.02s -> milliseconds
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
    else printf "%s", v }'
}

echo "warming up…"
for port in "$KOLOKOL_PORT" "$NGINX_PORT" "$BARE_PORT"; do
  wrk -t1 -c4 -d2s "http://127.0.0.1:$port$ARTICLE" >/dev/null
done

echo "measuring $bytes-byte article page: $ROUNDS rounds of $DURATION per server, $THREADS threads, $CONNECTIONS connections"
for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 )); then
    measure kolokol "$KOLOKOL_PORT" "$kolokol_pid"
    measure nginx "$NGINX_PORT" $nginx_workers
    measure bare "$BARE_PORT" $nginx_workers
  else
    measure bare "$BARE_PORT" $nginx_workers
    measure nginx "$NGINX_PORT" $nginx_workers
    measure kolokol "$KOLOKOL_PORT" "$kolokol_pid"
  fi
done

row() { # label name header-bytes
  awk -v label="$1" -v rps="${total_rps[$2]}" -v rounds="$ROUNDS" -v p99="${worst_p99[$2]}" \
    -v ticks="${server_ticks[$2]}" -v hz="$clock_ticks" -v wrk="${wrk_cpu[$2]}" \
    -v n="${requests[$2]}" -v head="$3" 'BEGIN {
      printf "%-22s %12.0f %10.3f %12.2f %12.2f %8d\n", label, rps / rounds, p99,
        ticks / hz * 1e6 / n, wrk * 1e6 / n, head }'
}
printf '\n%-22s %12s %10s %12s %12s %8s\n' "server" "requests/s" "p99 (ms)" "server µs/req" "wrk µs/req" "headers"
row "kolokol" kolokol "$k_head"
row "nginx, same bytes" nginx "$n_head"
row "nginx, page only" bare "$b_head"
paired() { # the rounds' own ratios of kolokol to the named server: median, lowest, highest
  awk -v k="${each_rps[kolokol]}" -v n="${each_rps[$1]}" 'BEGIN {
    count = split(k, ks, " "); split(n, ns, " ")
    for (i = 1; i <= count; i++) r[i] = ks[i] / ns[i]
    for (i = 2; i <= count; i++) for (j = i; j > 1 && r[j - 1] > r[j]; j--) { t = r[j]; r[j] = r[j - 1]; r[j - 1] = t }
    median = count % 2 ? r[(count + 1) / 2] : (r[count / 2] + r[count / 2 + 1]) / 2
    printf "%.2f (rounds %.2f to %.2f)", median, r[1], r[count] }'
}
awk -v k="${total_rps[kolokol]}" -v n="${total_rps[nginx]}" -v b="${total_rps[bare]}" 'BEGIN {
  printf "\nratio kolokol/nginx, of the means: %.2f\n", k / n
  printf "against nginx sending the page without Kolokol'"'"'s headers: %.2f\n", k / b }'
echo "ratio kolokol/nginx, median of the paired rounds: $(paired nginx) (goal: at least 1.00, issue 17)"
echo "against nginx sending the page without Kolokol's headers: $(paired bare)"
