#!/usr/bin/env bash
# Runs the link and body fuzz targets (proptest) for a set time, in rounds of many
# cases each. A failure stops the run; proptest saves the case it shrank to under
# crates/render/proptest-regressions/, and it belongs in fuzz/corpus/ too.
#   fuzz/run.sh [SECONDS]   (default 300)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
cargo test --release -p kolokol-render --no-run --quiet
end=$(( $(date +%s) + seconds ))
rounds=0
while [ "$(date +%s)" -lt "$end" ]; do
  PROPTEST_CASES=20000 cargo test --release -p kolokol-render --quiet -- \
    properties no_body_can_send_a_reader_astray the_committed_corpus_holds >/dev/null
  rounds=$((rounds + 1))
done
echo "fuzz: $rounds rounds of 20,000 cases per target in ${seconds}s, no failure"
