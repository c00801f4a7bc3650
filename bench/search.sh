#!/usr/bin/env bash
# Benchmark: Kolokol's search against PostgreSQL full-text search over the same
# generated archive, in the same run.
#
#   bench/search.sh            # N = 100,000 articles, 20 s of load each
#   N=20000 DURATION=10 WARMUP=5 bench/search.sh
#   KEEP=1 bench/search.sh     # keeps the archive, its index and the queries for profiling
#                              # (crates/search/examples/timing.rs times the engine alone)
#
# 1. Generates N articles, half Russian and half English: words drawn from the
#    demo newsroom's own texts (their real frequencies and inflected forms) mixed
#    with a long Zipf tail of generated rare words and names, as a news archive's
#    vocabulary grows; a headline, a dek and a body of 250-400 words each. They are
#    written straight into a SQLite database (as issue 17's benchmarks do).
# 2. Kolokol: `kolokol search reindex` (build time, index size), then
#    `kolokol serve` loaded by wrk with 16 connections cycling through a fixed mix of
#    40 queries (single words, inflected forms, two words, phrases, exclusions, OR,
#    rare words, both languages) on /search.json: requests/s and p50/p95/p99, after
#    WARMUP (5) seconds of the same load that are not counted. First
#    with no answers kept (search_cache_entries = 0: every request runs the engine;
#    these are the figures compared), then with the default cache of answers, which
#    a fixed mix always hits, shown apart for what a flood of repeated searches costs.
# 3. PostgreSQL: the same articles in one table with a stored tsvector
#    (`russian`/`english` configuration by the article's language, headline and dek
#    weighted) and a GIN index; the same queries through `websearch_to_tsquery` +
#    `ts_rank_cd`, top 10, by pgbench with 16 clients: transactions/s and p50/p95/p99.
#
# PostgreSQL answers over its own protocol with ids only; Kolokol answers over HTTP
# with a JSON page of results (headline, dek, section, authors, snippet), so the
# comparison favours PostgreSQL. Prints the ratios to the goals: p95 <= 10 ms and at
# least 5x PostgreSQL's throughput. Installs wrk and PostgreSQL from Debian's
# packages when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-100000}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-5}
CLIENTS=${CLIENTS:-16}
PORT=${PORT:-18090}

# Whatever already listens on these ports would be measured instead: refused at once.
for port in "$PORT" "$((PORT + 1))"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is taken (by an earlier run?); PORT=… picks others" >&2
    exit 1
  fi
done

missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v bc >/dev/null 2>&1 || missing+=(bc)
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
command -v pgbench >/dev/null 2>&1 || missing+=(postgresql-contrib)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
PGBIN=$(dirname "$(ls /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -1)")

work=$(mktemp -d /tmp/kolokol-search-bench.XXXXXX)
chmod a+rwx "$work"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  [ -n "${kolokol_pid:-}" ] && kill "$kolokol_pid" 2>/dev/null && wait "$kolokol_pid" 2>/dev/null
  [ -d "$work/pg" ] && as_pg "$PGBIN/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1
  if [ -n "${KEEP:-}" ]; then echo "kept: $work (data/, queries.txt, kolokol.toml)"; else rm -rf "$work"; fi
}
trap cleanup EXIT

echo "building kolokol (release)…"
cargo build --release --quiet -p kolokol
KOLOKOL=target/release/kolokol

mkdir -p "$work/data"
cat >"$work/kolokol.toml" <<TOML
data_dir = "$work/data"
listen = "127.0.0.1:$PORT"
[site]
base_url = "http://127.0.0.1:$PORT"
language = "en"
languages = ["en", "ru"]
[server]
searches_per_minute = 1000000000
search_cache_entries = 0
max_connections_per_address = 100000
TOML
$KOLOKOL migrate -c "$work/kolokol.toml" >/dev/null

echo "generating $N articles…"
python3 - "$N" "$work" <<'PY'
import itertools, random, sqlite3, sys
sys.path.insert(0, "bench")
from demo_words import words_of
n, work = int(sys.argv[1]), sys.argv[2]
rng = random.Random(1857)

def vocabulary(found):
    counts = {}
    for w in found:
        counts[w.lower()] = counts.get(w.lower(), 0) + 1
    words = sorted(counts, key=lambda w: -counts[w])
    return words, list(itertools.accumulate(counts[w] for w in words))

en_words, en_weights = vocabulary(words_of("crates/demo/content/newsroom.toml", r"[A-Za-z][a-z]+"))
ru_words, ru_weights = vocabulary(words_of("crates/demo/content/russian.toml", r"[А-Яа-яЁё]+"))

def tail(syllables, count):
    # Rare words and names: Zipf-weighted, so a few recur and most are seen once.
    words = set()
    while len(words) < count:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 5))))
    words = sorted(words)
    rng.shuffle(words)
    return words, list(itertools.accumulate(1.0 / (rank + 1) ** 1.1 for rank in range(len(words))))

en_tail = tail(["ka", "lo", "ver", "sin", "tor", "mar", "den", "ly", "ston", "ber", "ra", "vik"], 60000)
ru_tail = tail(["ка", "ло", "вер", "син", "тор", "мар", "ден", "ли", "стон", "бер", "ра", "вик", "ов", "ская"], 60000)

def draw(lang, k):
    words, weights = (en_words, en_weights) if lang == "en" else (ru_words, ru_weights)
    rare, rare_weights = en_tail if lang == "en" else ru_tail
    common = rng.choices(words, cum_weights=weights, k=k)
    rares = rng.choices(rare, cum_weights=rare_weights, k=k)
    return [r if rng.random() < 0.12 else c for c, r in zip(common, rares)]

def sentence(lang, k):
    w = draw(lang, k)
    return w[0].capitalize() + " " + " ".join(w[1:]) + "."

db = sqlite3.connect(f"{work}/data/kolokol.db")
cur = db.cursor()
for i, slug in enumerate(["politics", "economy", "society", "culture", "investigations", "opinion"], 1):
    cur.execute("INSERT INTO sections (id, slug, name, position) VALUES (?, ?, ?, ?)", (i, slug, slug.title(), i))
    cur.execute("INSERT INTO authors (id, slug, name) VALUES (?, ?, ?)", (i, f"author-{i}", f"Author {i}"))
start = 1_480_000_000
tsv = open(f"{work}/docs.tsv", "w")
rows = []
for i in range(1, n + 1):
    lang = "ru" if i % 2 else "en"
    headline = sentence(lang, rng.randint(6, 10))[:-1]
    dek = sentence(lang, rng.randint(12, 20))
    paragraphs = [" ".join(sentence(lang, rng.randint(8, 16)) for _ in range(rng.randint(3, 5))) for _ in range(rng.randint(4, 6))]
    body = "\n\n".join(paragraphs)
    at = start + i * 3000
    rows.append((i, f"a-{i}", headline, dek, body, len(body.split()), rng.randint(1, 6), at, at, at, headline.lower(), lang))
    tsv.write("\t".join([str(i), lang, headline, dek, body.replace("\n", " ")]) + "\n")
    if len(rows) == 5000:
        cur.executemany("INSERT INTO articles (id, slug, headline, dek, body_md, word_count, section_id, status, published_at, created_at, modified_at, headline_folded, language) VALUES (?, ?, ?, ?, ?, ?, ?, 'published', ?, ?, ?, ?, ?)", rows)
        rows = []
if rows:
    cur.executemany("INSERT INTO articles (id, slug, headline, dek, body_md, word_count, section_id, status, published_at, created_at, modified_at, headline_folded, language) VALUES (?, ?, ?, ?, ?, ?, ?, 'published', ?, ?, ?, ?, ?)", rows)
cur.execute("INSERT INTO article_authors (article_id, author_id, position) SELECT id, section_id, 0 FROM articles")
cur.execute("UPDATE site_state SET content_version = content_version + 1")
db.commit()
tsv.close()

# The fixed mix of queries, the same for both engines.
def common(words, skip, k):
    return [w for w in words[skip:skip + 400] if len(w) > 3][:k]
en_c, ru_c = common(en_words, 30, 40), common(ru_words, 30, 40)
queries = []
for words, rare in ((en_c, en_tail[0]), (ru_c, ru_tail[0])):
    queries += words[0:6]                                    # one word
    queries += [f"{a} {b}" for a, b in zip(words[6:10], words[10:14])]   # two words
    queries += [f'"{a} {b}"' for a, b in zip(words[14:17], words[17:20])]  # phrases
    queries += [f"{a} -{b}" for a, b in zip(words[20:22], words[22:24])]  # exclusion
    queries += [f"{a} OR {b}" for a, b in zip(words[24:26], words[26:28])]  # OR
    queries += rare[100:103]                                 # rare words
with open(f"{work}/queries.txt", "w") as f:
    f.write("\n".join(queries) + "\n")
print(f"{len(queries)} queries, e.g. {queries[:3]} {queries[20:23]}")
PY

echo "building Kolokol's index…"
start=$(date +%s.%N)
$KOLOKOL search reindex -c "$work/kolokol.toml" | tail -1
build_k=$(echo "$(date +%s.%N) - $start" | bc)
size_k=$(du -sm "$work/data/search" | cut -f1)

cat >"$work/queries.lua" <<'LUA'
local queries = {}
for line in io.lines(os.getenv("QUERIES")) do
  queries[#queries + 1] = line:gsub("([^%w%-_.~])", function(c) return string.format("%%%02X", string.byte(c)) end)
end
local counter = 0
function setup(thread) thread:set("offset", counter * 7); counter = counter + 1 end
-- Each thread walks the list by a stride that shares no factor with its length:
-- every query as often, but neighbours in the list (of one kind) far apart, so
-- that the clients in flight at any moment ask a mix of kinds, not a run of
-- phrases and then a run of single words.
local function gcd(a, b) while b ~= 0 do a, b = b, a % b end return a end
local stride = 17
while gcd(stride, #queries) ~= 1 do stride = stride + 1 end
local i = 0
function request()
  i = i + 1
  local q = queries[((i * stride + offset) % #queries) + 1]
  return wrk.format("GET", "/search.json?q=" .. q)
end
function done(summary, latency, requests)
  io.write(string.format("RESULT %.1f %.2f %.2f %.2f %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
LUA

# Kolokol is loaded twice: first with no answers kept (every search runs the engine,
# the figures compared with PostgreSQL), then with the default cache of answers,
# which this fixed mix of queries always hits after its first round.
load_kolokol() {
  local entries=$1
  sed -i "s/^search_cache_entries = .*/search_cache_entries = $entries/" "$work/kolokol.toml"
  $KOLOKOL serve -c "$work/kolokol.toml" >"$work/kolokol.log" 2>&1 &
  kolokol_pid=$!
  for _ in $(seq 1 600); do
    curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null && break
    sleep 0.1
  done
  kill -0 "$kolokol_pid" 2>/dev/null || {
    echo "kolokol serve stopped:"; tail -3 "$work/kolokol.log"; kolokol_pid=; exit 1; }
  curl -fsS "http://127.0.0.1:$PORT/search.json?q=test" | grep -q '"partial":false' || {
    echo "the index was not ready at start"; exit 1; }
  rss_idle=$(ps -o rss= -p "$kolokol_pid")

  # Not counted: the first seconds after a start, while the node's first pass over
  # the index checks it against the database (searches are answered from the
  # database meanwhile) and the index's files are read into memory.
  echo "warming Kolokol up for ${WARMUP}s (not counted)…"
  QUERIES="$work/queries.txt" wrk -t2 -c"$CLIENTS" -d"${WARMUP}s" -s "$work/queries.lua" \
    "http://127.0.0.1:$PORT" >/dev/null

  echo "loading Kolokol (search_cache_entries = $entries) for ${DURATION}s with $CLIENTS connections…"
  QUERIES="$work/queries.txt" wrk -t2 -c"$CLIENTS" -d"${DURATION}s" -s "$work/queries.lua" \
    "http://127.0.0.1:$PORT" >"$work/wrk.txt"
  rss_load=$(ps -o rss= -p "$kolokol_pid")
  kill "$kolokol_pid"; wait "$kolokol_pid" 2>/dev/null || true; kolokol_pid=
}
load_kolokol 0
read -r rps_k p50_k p95_k p99_k errors_k < <(grep '^RESULT' "$work/wrk.txt" | cut -d' ' -f2-)
rss_idle_k=$rss_idle rss_load_k=$rss_load
load_kolokol 1000
read -r rps_c p50_c p95_c p99_c errors_c < <(grep '^RESULT' "$work/wrk.txt" | cut -d' ' -f2-)

echo "building PostgreSQL's index…"
mkdir -p "$work/pg"; chown postgres "$work/pg" 2>/dev/null || true
as_pg "$PGBIN/initdb" --auth=trust --username=postgres --encoding=UTF8 --no-sync -D "$work/pg" >/dev/null
PGPORT=$((PORT + 1))
as_pg "$PGBIN/pg_ctl" -D "$work/pg" -l "$work/pg/log" -w \
  -o "-p $PGPORT -k $work -c listen_addresses=127.0.0.1 -c shared_buffers=256MB -c max_connections=64" start >/dev/null
PSQL=(psql -h 127.0.0.1 -p "$PGPORT" -U postgres -q -v ON_ERROR_STOP=1)
start=$(date +%s.%N)
"${PSQL[@]}" <<SQL
CREATE TABLE docs (id BIGINT PRIMARY KEY, lang TEXT NOT NULL, headline TEXT, dek TEXT, body TEXT);
\copy docs FROM '$work/docs.tsv' WITH (FORMAT text)
ALTER TABLE docs ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector(CASE lang WHEN 'ru' THEN 'russian'::regconfig ELSE 'english'::regconfig END, coalesce(headline, '')), 'A') ||
  setweight(to_tsvector(CASE lang WHEN 'ru' THEN 'russian'::regconfig ELSE 'english'::regconfig END, coalesce(dek, '')), 'B') ||
  to_tsvector(CASE lang WHEN 'ru' THEN 'russian'::regconfig ELSE 'english'::regconfig END, coalesce(body, ''))) STORED;
CREATE INDEX docs_tsv ON docs USING GIN (tsv);
CREATE TABLE queries (id SERIAL PRIMARY KEY, q TEXT NOT NULL, cfg regconfig NOT NULL);
VACUUM ANALYZE docs;
SQL
build_p=$(echo "$(date +%s.%N) - $start" | bc)
while IFS= read -r query; do
  cfg=english; [[ "$query" =~ [А-Яа-яЁё] ]] && cfg=russian
  "${PSQL[@]}" -c "INSERT INTO queries (q, cfg) VALUES (\$\$${query}\$\$, '$cfg')"
done <"$work/queries.txt"
size_p=$("${PSQL[@]}" -At -c "SELECT (pg_total_relation_size('docs') - pg_relation_size('docs')) / 1048576 || ' MB index+toast, ' || pg_relation_size('docs_tsv') / 1048576 || ' MB GIN'")
count=$(wc -l <"$work/queries.txt")
cat >"$work/pgbench.sql" <<SQL
\set n random(1, $count)
SELECT d.id FROM docs d, queries b, websearch_to_tsquery(b.cfg, b.q) AS query
  WHERE b.id = :n AND d.tsv @@ query ORDER BY ts_rank_cd(d.tsv, query) DESC LIMIT 10;
SQL
echo "loading PostgreSQL for ${DURATION}s with $CLIENTS clients…"
(cd "$work" && pgbench -h 127.0.0.1 -p "$PGPORT" -U postgres -n -c "$CLIENTS" -j 2 -T "$DURATION" \
  -f "$work/pgbench.sql" -l --log-prefix="$work/pglat" postgres >"$work/pgbench.txt" 2>&1)
read -r tps_p p50_p p95_p p99_p < <(python3 - "$work" "$DURATION" <<'PY'
import glob, sys
work, duration = sys.argv[1], float(sys.argv[2])
lat = []
for path in glob.glob(f"{work}/pglat.*"):
    for line in open(path):
        parts = line.split()
        if len(parts) > 2:
            lat.append(int(parts[2]) / 1000)
lat.sort()
pick = lambda p: lat[min(len(lat) - 1, int(len(lat) * p))]
print(f"{len(lat) / duration:.1f} {pick(0.5):.2f} {pick(0.95):.2f} {pick(0.99):.2f}")
PY
)

echo
echo "archive: $N articles (half Russian, half English), $(wc -l <"$work/queries.txt") queries, $CLIENTS clients, ${DURATION}s each"
printf '%-12s %10s %10s %10s %10s %10s %12s\n' engine build_s size queries/s p50_ms p95_ms p99_ms
printf '%-12s %10.1f %10s %10.0f %10.2f %10.2f %12.2f\n' Kolokol "$build_k" "${size_k} MB" "$rps_k" "$p50_k" "$p95_k" "$p99_k"
printf '%-12s %10s %10s %10.0f %10.2f %10.2f %12.2f\n' "  (cached)" "" "" "$rps_c" "$p50_c" "$p95_c" "$p99_c"
printf '%-12s %10.1f %10s %10.0f %10.2f %10.2f %12.2f\n' PostgreSQL "$build_p" "-" "$tps_p" "$p50_p" "$p95_p" "$p99_p"
echo "PostgreSQL sizes: $size_p"
echo "Kolokol memory: ${rss_idle_k} KB idle with the index open, ${rss_load_k} KB after the load; errors: $errors_k"
echo "Kolokol with its default cache of answers (search_cache_entries = 1000), which these 40 queries always hit: ${rss_load} KB after the load; errors: $errors_c"
python3 - "$rps_k" "$tps_p" "$p95_k" <<'PY'
import sys
k, p, p95 = map(float, sys.argv[1:])
print(f"throughput ratio Kolokol/PostgreSQL: {k / p:.1f}x (goal >= 5x: {'met' if k / p >= 5 else 'NOT met'})")
print(f"Kolokol p95: {p95:.2f} ms (goal <= 10 ms: {'met' if p95 <= 10 else 'NOT met'})")
PY
