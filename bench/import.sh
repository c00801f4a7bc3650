#!/usr/bin/env bash
# Benchmark: `kolokol import wordpress` of a generated WXR export.
#
#   bench/import.sh            # N = 50,000 posts (and a run at N/10 to compare)
#   N=5000 bench/import.sh
#
# Generates two WXR 1.2 files of N/10 and N posts (a headline, five paragraphs of
# HTML with a heading, a list and a link, two categories, two tags, one of three
# authors) and imports each into a fresh SQLite database with --no-fetch. Prints
# posts per second and peak memory for both sizes: the reader streams the file, so
# memory should stay flat as N grows. (WordPress's own importer, the tool a newsroom
# would otherwise use, needs a PHP WordPress install, which this script does not set up.)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-50000}
[ -x /usr/bin/time ] || {
  echo "installing time"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends time >/dev/null
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "building kolokol (release)…"
cargo build --release --quiet -p kolokol
KOLOKOL=target/release/kolokol

generate() { # posts file
  python3 - "$1" "$2" <<'PY'
import sys
n, out = int(sys.argv[1]), sys.argv[2]
para = ("<p>The council met again on Thursday and postponed the vote for a third time. "
        "Deputies said the budget had not been published, and "
        "<a href=\"https://bench.example/budget\">the ministry</a> said it had.</p>")
with open(out, "w") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            '<title>Bench</title><link>https://old.example</link>\n')
    for login in ("anna", "pavel", "irina"):
        f.write(f"<wp:author><wp:author_login>{login}</wp:author_login>"
                f"<wp:author_display_name>{login.title()}</wp:author_display_name></wp:author>\n")
    for i in range(1, n + 1):
        day = 1 + i % 28
        body = para * 2 + "<h2>What next</h2><ul><li>one</li><li>two</li></ul>" + para * 3
        f.write(f"""<item><title>Budget vote postponed, part {i}</title>
<link>https://old.example/2024/05/{day:02d}/budget-vote-{i}/</link>
<dc:creator>{("anna", "pavel", "irina")[i % 3]}</dc:creator>
<content:encoded><![CDATA[{body}]]></content:encoded>
<excerpt:encoded><![CDATA[The vote moves again.]]></excerpt:encoded>
<wp:post_id>{i}</wp:post_id><wp:post_date_gmt>2024-05-{day:02d} 09:00:00</wp:post_date_gmt>
<wp:post_name>budget-vote-{i}</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<category domain="category" nicename="{('politics', 'economy')[i % 2]}">{('Politics', 'Economy')[i % 2]}</category>
<category domain="category" nicename="regions">Regions</category>
<category domain="post_tag" nicename="council">Council</category>
<category domain="post_tag" nicename="budget-{i % 50}">Budget {i % 50}</category>
</item>
""")
    f.write("</channel>\n</rss>\n")
PY
}

run() { # posts
  local n=$1 dir="$work/n$1"
  mkdir -p "$dir"
  generate "$n" "$dir/export.xml"
  printf 'data_dir = "%s"\n[site]\ntitle = "Bench"\nbase_url = "https://bench.example"\n' "$dir/data" >"$dir/kolokol.toml"
  "$KOLOKOL" migrate --config "$dir/kolokol.toml" >/dev/null
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$dir/mem" "$KOLOKOL" import wordpress "$dir/export.xml" --no-fetch --config "$dir/kolokol.toml" >"$dir/report" 2>/dev/null
  end=$(date +%s.%N)
  local seconds mem size
  seconds=$(echo "$end - $start" | bc -l)
  mem=$(cat "$dir/mem")
  size=$(du -m "$dir/export.xml" | cut -f1)
  printf '%7d posts (%4d MB file): %6.1f s, %7.0f posts/s, peak memory %6.1f MB\n' \
    "$n" "$size" "$seconds" "$(echo "$n / $seconds" | bc -l)" "$(echo "$mem / 1024" | bc -l)"
  echo "$mem" >"$work/mem-$n"
}

small=$((N / 10))
run "$small"
run "$N"
ratio=$(echo "$(cat "$work/mem-$N") / $(cat "$work/mem-$small")" | bc -l)
printf 'peak memory at %d posts / at %d posts: %.2f (1.00 is flat)\n' "$N" "$small" "$ratio"
