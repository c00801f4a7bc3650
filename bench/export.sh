#!/usr/bin/env bash
# Benchmark: the static mirror export against Hugo building the same number of posts.
#
#   bench/export.sh            # N = 10,000 synthetic articles
#   N=2000 bench/export.sh
#
# Both sides get the same N articles (a headline and five paragraphs of Markdown, in
# one section, by one author) and produce one page per article plus their lists and
# feeds. Prints pages per second for both, the ratio, and each one's peak memory.
# Installs Hugo, sqlite3 and GNU time from Debian's packages when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-10000}

missing=()
command -v hugo >/dev/null 2>&1 || missing+=(hugo)
command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "building kolokol (release)…"
cargo build --release --quiet -p kolokol
KOLOKOL=target/release/kolokol

paragraph="The council met again on Thursday and postponed the vote for a third time. Deputies said the budget had not been published, and the ministry said it had. Residents who came to listen were asked to leave the hall before the debate began."

# --- Kolokol: N articles straight into a fresh database ---
mkdir -p "$work/kolokol"
cat >"$work/kolokol.toml" <<CONF
data_dir = "$work/kolokol"
[site]
title = "Benchmark Bell"
base_url = "https://bench.example"
articles_per_page = 20
CONF
"$KOLOKOL" migrate --config "$work/kolokol.toml" >/dev/null
sqlite3 "$work/kolokol/kolokol.db" <<SQL
INSERT INTO sections (slug, name, description, position) VALUES ('news', 'News', '', 1);
INSERT INTO authors (slug, name) VALUES ('bench-writer', 'Bench Writer');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
INSERT INTO articles (slug, headline, dek, body_md, word_count, section_id, status, published_at, created_at, modified_at)
SELECT 'article-' || i, 'Article number ' || i, 'A synthetic article for the benchmark.',
       '$paragraph' || char(10) || char(10) || '$paragraph' || char(10) || char(10) || '> $paragraph' || char(10) || char(10) || '$paragraph' || char(10) || char(10) || '$paragraph',
       200, 1, 'published', 1700000000 + i * 60, 1700000000 + i * 60, 1700000000 + i * 60 FROM n;
INSERT INTO article_authors (article_id, author_id, position) SELECT id, 1, 0 FROM articles;
UPDATE site_state SET content_version = content_version + 1;
SQL

# --- Hugo: the same N posts with a minimal theme (article, list, home, RSS) ---
site="$work/hugo"
mkdir -p "$site/content/posts" "$site/layouts/_default"
cat >"$site/hugo.toml" <<CONF
baseURL = "https://bench.example/"
title = "Benchmark Bell"
disableKinds = ["taxonomy", "term"]
[pagination]
pagerSize = 20
CONF
cat >"$site/layouts/_default/baseof.html" <<'HTML'
<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title><link rel="stylesheet" href="/site.css"></head>
<body><header><a href="/">{{ .Site.Title }}</a></header><main>{{ block "main" . }}{{ end }}</main></body></html>
HTML
cat >"$site/layouts/_default/single.html" <<'HTML'
{{ define "main" }}<article><h1>{{ .Title }}</h1><p>{{ .Params.dek }}</p><p>By Bench Writer · <time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2 January 2006" }}</time></p>{{ .Content }}</article>{{ end }}
HTML
cat >"$site/layouts/_default/list.html" <<'HTML'
{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Paginator.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
HTML
cp "$site/layouts/_default/list.html" "$site/layouts/index.html"
body=$(printf '%s\n\n%s\n\n> %s\n\n%s\n\n%s\n' "$paragraph" "$paragraph" "$paragraph" "$paragraph" "$paragraph")
for i in $(seq 1 "$N"); do
  printf -- '---\ntitle: "Article number %d"\ndek: "A synthetic article for the benchmark."\ndate: %s\n---\n\n%s\n' \
    "$i" "$(date -u -d "@$((1700000000 + i * 60))" +%Y-%m-%dT%H:%M:%SZ)" "$body" >"$site/content/posts/article-$i.md"
done

echo "exporting $N articles with Kolokol…"
/usr/bin/time -f "%e %M" -o "$work/kolokol.time" "$KOLOKOL" export-site "$work/kolokol-out" --config "$work/kolokol.toml" >"$work/kolokol.log"
echo "building $N posts with Hugo…"
/usr/bin/time -f "%e %M" -o "$work/hugo.time" hugo --quiet --source "$site" --destination "$work/hugo-out" >/dev/null

k_pages=$(find "$work/kolokol-out" -name '*.html' | wc -l)
h_pages=$(find "$work/hugo-out" -name '*.html' | wc -l)
read -r k_secs k_kb <"$work/kolokol.time"
read -r h_secs h_kb <"$work/hugo.time"
cat "$work/kolokol.log"
printf '\n%-8s %8s %10s %12s %14s\n' "tool" "pages" "seconds" "pages/s" "peak RSS (MB)"
awk -v p="$k_pages" -v s="$k_secs" -v m="$k_kb" 'BEGIN { printf "%-8s %8d %10.2f %12.0f %14.0f\n", "kolokol", p, s, p / s, m / 1024 }'
awk -v p="$h_pages" -v s="$h_secs" -v m="$h_kb" 'BEGIN { printf "%-8s %8d %10.2f %12.0f %14.0f\n", "hugo", p, s, p / s, m / 1024 }'
awk -v kp="$k_pages" -v ks="$k_secs" -v hp="$h_pages" -v hs="$h_secs" 'BEGIN { printf "\nratio kolokol/hugo (pages per second): %.2f (goal: at least 1.00)\n", (kp / ks) / (hp / hs) }'
# Kolokol writes two pages per article (the full and the text-only edition); per
# source article the comparison is this:
awk -v n="$N" -v ks="$k_secs" -v hs="$h_secs" 'BEGIN { printf "per source article: kolokol %.0f/s, hugo %.0f/s, ratio %.2f\n", n / ks, n / hs, hs / ks }'
