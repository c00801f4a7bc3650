# Shared by the large-archive benchmarks (bench/scale.sh, bench/attack.sh); sourced,
# not run. Expects N and PORT; gives:
#   $work      the working folder (WORK=dir keeps it, and the generated site, between
#              runs; otherwise a fresh temporary one, removed at exit)
#   $KOLOKOL   the release binary, built
#   archive_config "extra [server] lines"   writes $work/kolokol.toml
#   archive_generate                        N articles and their search index, once
#   archive_start                           starts `kolokol serve`, sets $kolokol_pid
#   archive_stop
#   rss_mb                                  the server's resident memory, MB
#   rss_split                               of which anonymous, file-backed, shared (MB)
# Installs wrk and curl from Debian's packages when they are missing.

missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v bc >/dev/null 2>&1 || missing+=(bc)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

keep=${WORK:+yes}
work=${WORK:-$(mktemp -d /tmp/kolokol-archive-bench.XXXXXX)}
mkdir -p "$work"
cleanup() {
  [ -n "${kolokol_pid:-}" ] && kill "$kolokol_pid" 2>/dev/null && wait "$kolokol_pid" 2>/dev/null
  [ -n "${reader_pid:-}" ] && kill "$reader_pid" 2>/dev/null
  [ -z "$keep" ] && rm -rf "$work"
  return 0
}
trap cleanup EXIT

echo "building kolokol (release)…"
cargo build --release --quiet -p kolokol
KOLOKOL=${KOLOKOL:-target/release/kolokol}
base="http://127.0.0.1:$PORT"

archive_config() { # extra [server] lines
  cat >"$work/kolokol.toml" <<TOML
data_dir = "$work/data"
listen = "127.0.0.1:$PORT"
[site]
base_url = "$base"
language = "en"
languages = ["en", "ru"]
[server]
max_connections_per_address = 100000
$1
TOML
}

archive_generate() {
  if [ -f "$work/data/kolokol.db" ] && [ "$(cat "$work/generated" 2>/dev/null)" = "$N" ]; then
    echo "using the $N articles generated before in $work"
    return
  fi
  rm -rf "$work/data" && mkdir -p "$work/data"
  $KOLOKOL migrate -c "$work/kolokol.toml" >/dev/null
  echo "generating $N articles…"
  python3 bench/generate_archive.py "$N" "$work"
  echo "building the search index (as \`kolokol search reindex\` does for a real site)…"
  $KOLOKOL search reindex -c "$work/kolokol.toml" | tail -1
  echo "$N" >"$work/generated"
}

archive_start() {
  $KOLOKOL serve -c "$work/kolokol.toml" >"$work/kolokol.log" 2>&1 &
  kolokol_pid=$!
  for _ in $(seq 1 600); do
    curl -fsS -o /dev/null "$base/healthz" 2>/dev/null && return
    sleep 0.02
  done
  echo "kolokol did not start; its log:" >&2
  tail -5 "$work/kolokol.log" >&2
  exit 1
}

archive_stop() {
  kill "$kolokol_pid"
  wait "$kolokol_pid" 2>/dev/null || true
  kolokol_pid=
}

rss_mb() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$kolokol_pid/status"; }
# Of which: the heap and stacks, and files mapped (the program, the search index).
rss_split() { awk '/^RssAnon/ {a = $2} /^RssFile/ {f = $2} /^RssShmem/ {s = $2} END {printf "anon %.1f, files %.1f, shared %.1f", a / 1024, f / 1024, s / 1024}' "/proc/$kolokol_pid/status"; }

# A wrk script's last words: requests/s, p50, p99 (ms), errors, requests.
wrk_result_lua='
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %.1f %.2f %.2f %d %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.status + e.connect + e.read + e.write + e.timeout, summary.requests))
end'
