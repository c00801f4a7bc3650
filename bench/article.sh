#!/usr/bin/env bash
# Benchmark: one article page served by Kolokol versus the same bytes served by nginx
# from disk, both on loopback, both loaded by wrk in the same run.
#
#   bench/article.sh            # 10 s per server, 2 threads, 64 connections
#   DURATION=30s CONNECTIONS=128 bench/article.sh
#
# Prints requests/s and p99 latency for each and the ratio Kolokol/nginx.
# Installs nginx and wrk from Debian's packages when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
KOLOKOL_PORT=${KOLOKOL_PORT:-18080}
NGINX_PORT=${NGINX_PORT:-18081}
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

echo "building kolokol (release)…"
cargo build --release --quiet -p kolokol

target/release/kolokol demo --listen "127.0.0.1:$KOLOKOL_PORT" --data "$work/data" >"$work/kolokol.log" 2>&1 &
kolokol_pid=$!
for _ in $(seq 1 600); do
  curl -fsS -o /dev/null "http://127.0.0.1:$KOLOKOL_PORT/healthz" 2>/dev/null && break
  sleep 0.1
done
curl -fsS -o "$work/article.html" "http://127.0.0.1:$KOLOKOL_PORT$ARTICLE"
bytes=$(wc -c <"$work/article.html")

mkdir -p "$work/www/articles" "$work/nginx-tmp"
cp "$work/article.html" "$work/www$ARTICLE"
# nginx workers run as an unprivileged user; let them read the page.
chmod a+rx "$work"
chmod -R a+rX "$work/www"
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
  server {
    listen 127.0.0.1:$NGINX_PORT;
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

measure() { # name url -> "requests/s p99_ms"
  local out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$2")
  echo "$out" >"$work/wrk-$1.txt"
  local rps p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  echo "$rps $p99"
}

to_ms() { # wrk latency like 1.23ms / 456.00us / 1.02s -> milliseconds
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
    else printf "%s", v }'
}

echo "warming up…"
wrk -t1 -c4 -d2s "http://127.0.0.1:$KOLOKOL_PORT$ARTICLE" >/dev/null
wrk -t1 -c4 -d2s "http://127.0.0.1:$NGINX_PORT$ARTICLE" >/dev/null

echo "measuring $bytes-byte article page, $DURATION each, $THREADS threads, $CONNECTIONS connections"
read -r k_rps k_p99 < <(measure kolokol "http://127.0.0.1:$KOLOKOL_PORT$ARTICLE")
read -r n_rps n_p99 < <(measure nginx "http://127.0.0.1:$NGINX_PORT$ARTICLE")
k_p99_ms=$(to_ms "$k_p99")
n_p99_ms=$(to_ms "$n_p99")

printf '\n%-10s %14s %12s\n' "server" "requests/s" "p99 (ms)"
printf '%-10s %14.0f %12s\n' "kolokol" "$k_rps" "$k_p99_ms"
printf '%-10s %14.0f %12s\n' "nginx" "$n_rps" "$n_p99_ms"
awk -v k="$k_rps" -v n="$n_rps" 'BEGIN { printf "\nratio kolokol/nginx (requests/s): %.2f (goal: at least 1.00, issue 17)\n", k / n }'
