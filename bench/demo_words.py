"""The demo newsroom's own words, for the benchmarks that generate archives
(bench/generate_archive.py, bench/search.sh): every text in a demo content file,
as the words `pattern` finds, in order."""
import re
import tomllib


def words_of(path, pattern):
    with open(path, "rb") as f:
        data = tomllib.load(f)
    out = []

    def walk(v):
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, dict):
            [walk(x) for x in v.values()]
        elif isinstance(v, list):
            [walk(x) for x in v]

    walk(data)
    return re.findall(pattern, " ".join(out))
