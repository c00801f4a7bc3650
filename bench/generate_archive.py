"""Writes N published articles straight into a migrated Kolokol SQLite database, for
the benchmarks of large archives (bench/scale.sh, bench/attack.sh): half English, half
Russian, six sections, four authors, 400 tags of Zipf-like popularity (zero to four
per article, a tenth with none), bodies of 250-400 words from the demo newsroom's own
vocabulary. Article i has the slug a-i; odd ones are Russian.

    python3 bench/generate_archive.py N WORK   # WORK/data/kolokol.db
"""
import itertools, random, sqlite3, sys
from demo_words import words_of
n, work = int(sys.argv[1]), sys.argv[2]
rng = random.Random(1857)

vocab = {
    "en": words_of("crates/demo/content/newsroom.toml", r"[A-Za-z][a-z]+"),
    "ru": words_of("crates/demo/content/russian.toml", r"[А-Яа-яЁё]+"),
}

def sentence(lang, k):
    w = rng.choices(vocab[lang], k=k)
    return w[0].capitalize() + " " + " ".join(w[1:]) + "."

db = sqlite3.connect(f"{work}/data/kolokol.db")
cur = db.cursor()
for i, slug in enumerate(["politics", "economy", "society", "culture", "investigations", "opinion"], 1):
    cur.execute("INSERT INTO sections (id, slug, name, position) VALUES (?, ?, ?, ?)", (i, slug, slug.title(), i))
for i in range(1, 5):
    cur.execute("INSERT INTO authors (id, slug, name) VALUES (?, ?, ?)", (i, f"author-{i}", f"Author {i}"))
TAGS = 400
for i in range(1, TAGS + 1):
    cur.execute("INSERT INTO tags (id, slug, name) VALUES (?, ?, ?)", (i, f"tag-{i}", f"Tag {i}"))
tag_weights = list(itertools.accumulate(1.0 / rank ** 0.9 for rank in range(1, TAGS + 1)))
start = 1_480_000_000
articles, authors, tags = [], [], []
def flush():
    cur.executemany("INSERT INTO articles (id, slug, headline, dek, body_md, word_count, section_id, status, published_at, created_at, modified_at, headline_folded, language) VALUES (?, ?, ?, ?, ?, ?, ?, 'published', ?, ?, ?, ?, ?)", articles)
    cur.executemany("INSERT INTO article_authors (article_id, author_id, position) VALUES (?, ?, 0)", authors)
    cur.executemany("INSERT INTO article_tags (article_id, tag_id) VALUES (?, ?)", tags)
    articles.clear(); authors.clear(); tags.clear()
for i in range(1, n + 1):
    lang = "ru" if i % 2 else "en"
    headline = sentence(lang, rng.randint(6, 10))[:-1]
    dek = sentence(lang, rng.randint(12, 20))
    body = "\n\n".join(" ".join(sentence(lang, rng.randint(8, 16)) for _ in range(rng.randint(3, 5))) for _ in range(rng.randint(4, 6)))
    at = start + i * 3000
    articles.append((i, f"a-{i}", headline, dek, body, len(body.split()), rng.randint(1, 6), at, at, at, headline.lower(), lang))
    authors.append((i, rng.randint(1, 4)))
    if rng.random() >= 0.1:
        for tag in set(rng.choices(range(1, TAGS + 1), cum_weights=tag_weights, k=rng.randint(1, 4))):
            tags.append((i, tag))
    if len(articles) == 5000:
        flush()
flush()
cur.execute("UPDATE site_state SET content_version = content_version + 1")
db.commit()
