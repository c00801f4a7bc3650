#!/usr/bin/env bash
# Benchmark: one digest sent to N subscribers over real SMTP to a local sink.
#
#   bench/newsletter.sh              # N = 100,000
#   N=20000 bench/newsletter.sh
#
# Creates a newsroom with five articles and one full-text issue, imports N subscribers
# from CSV with `kolokol newsletter import`, and sends with `kolokol newsletter send`
# to a counting SMTP sink on loopback (8 connections, no rate limit). Runs:
#   - unsigned (the relay signs, as most ESPs and a Postfix+OpenDKIM relay do), at N/10
#     and N subscribers, to show memory does not grow with the list;
#   - DKIM-signed with Ed25519, at N;
#   - DKIM-signed with RSA-2048 (what Gmail checks), at N/10.
# Prints messages per second and peak memory for each; the goal is 5,000 messages/s
# with memory flat in N.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-100000}
missing=()
command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

work=$(mktemp -d)
sink_pid=""
trap '[ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null; rm -rf "$work"' EXIT
echo "building kolokol and the SMTP sink (release)…"
cargo build --release --quiet -p kolokol && cargo build --release --quiet -p kolokol-testkit --example smtp-sink
KOLOKOL=target/release/kolokol
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
target/release/examples/smtp-sink "127.0.0.1:$port" >"$work/sink.log" &
sink_pid=$!
sleep 0.5

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null | openssl rsa -traditional 2>/dev/null >"$work/rsa.pem"
head -c 32 /dev/urandom | base64 >"$work/ed25519.key"

paragraph="The council met again on Thursday and postponed the vote for a third time. Deputies said the budget had not been published, and the ministry said it had. Residents who came to listen were asked to leave the hall before the debate began."

# One newsroom per run: fresh database, five articles, one issue, `count` readers.
run() {
  local name=$1 count=$2 dkim=$3
  local dir="$work/$name"
  mkdir -p "$dir/data"
  {
    printf 'data_dir = "%s"\n[site]\ntitle = "Benchmark Bell"\nbase_url = "https://bench.example"\n' "$dir/data"
    printf '[newsletter]\nsmtp_url = "smtp://127.0.0.1:%s"\nfrom = "The Weekly <weekly@bench.example>"\nconnections = 8\nrate_per_second = 100000\n' "$port"
    case $dkim in
      rsa) printf 'dkim_domain = "bench.example"\ndkim_selector = "rsa"\ndkim_algorithm = "rsa"\ndkim_key_file = "%s"\n' "$work/rsa.pem" ;;
      ed25519) printf 'dkim_domain = "bench.example"\ndkim_selector = "ed"\ndkim_algorithm = "ed25519"\ndkim_key_file = "%s"\n' "$work/ed25519.key" ;;
    esac
  } >"$dir/kolokol.toml"
  "$KOLOKOL" migrate --config "$dir/kolokol.toml" >/dev/null
  sqlite3 "$dir/data/kolokol.db" <<SQL
INSERT INTO sections (slug, name, description, position) VALUES ('news', 'News', '', 1);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5)
INSERT INTO articles (slug, headline, dek, body_md, word_count, section_id, status, published_at, created_at, modified_at)
SELECT 'story-' || i, 'Story number ' || i, 'A synthetic story for the benchmark.',
       '$paragraph' || char(10) || char(10) || '$paragraph' || char(10) || char(10) || '$paragraph',
       130, 1, 'published', 1700000000 + i, 1700000000 + i, 1700000000 + i FROM n;
INSERT INTO users (email, name, role, password_hash, created_at) VALUES ('desk@bench.example', 'Desk', 'editor', 'x', 1700000000);
INSERT INTO newsletter_issues (subject, intro_md, full_text, status, created_by, created_at, updated_at)
VALUES ('The Weekly: five stories', 'Good morning. Here is the week.', 1, 'draft', 1, 1700000000, 1700000000);
INSERT INTO newsletter_issue_articles (issue_id, article_id, position) SELECT 1, id, id FROM articles;
SQL
  { echo "email,confirmed_at"; seq 1 "$count" | awk '{ printf "reader%07d@inbox.example,2026-01-01T00:00:00Z\n", $1 }'; } >"$dir/list.csv"
  "$KOLOKOL" newsletter import "$dir/list.csv" --config "$dir/kolokol.toml" >/dev/null
  /usr/bin/time -f "%e %M" -o "$dir/time" "$KOLOKOL" newsletter send 1 --config "$dir/kolokol.toml" >"$dir/log" 2>&1
  local rate mb
  rate=$(grep -o '([0-9]* per second)' "$dir/log" | tr -dc '0-9')
  read -r _ kb <"$dir/time"
  mb=$((kb / 1024))
  printf '%-24s %10d %14s %14s\n' "$name" "$count" "$rate" "$mb"
  grep -q "$count sent, 0 failed" "$dir/log" || { echo "not every message was sent:"; cat "$dir/log"; exit 1; }
}

printf '\n%-24s %10s %14s %14s\n' "run" "readers" "messages/s" "peak RSS (MB)"
run "unsigned, N/10" $((N / 10)) none
run "unsigned, N" "$N" none
run "DKIM Ed25519, N" "$N" ed25519
run "DKIM RSA-2048, N/10" $((N / 10)) rsa
echo
echo "sink: $(tail -n 1 "$work/sink.log")"
echo "goal: at least 5,000 messages/s, memory flat in the number of subscribers"
