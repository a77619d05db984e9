#!/bin/bash
# Deploy each file of ../shared/bpmn-corpus alone on a fresh copy of an initialised data folder and
# write, one line per file: the file, krabuan's exit code and the first 200 characters it printed
# (issue 11; the counts are in docs/benchmarks.md).
#
#   bench/corpus_deploy.sh CHECKOUT OUT.tsv
#
# CHECKOUT is a checkout of Krabuan (this one, or an older worktree: `git worktree add /tmp/old REV`);
# its code runs with this checkout's .venv (PYTHON=... to use another interpreter, CORPUS=... for
# another corpus folder).
set -u
HERE=$(cd "$(dirname "$0")/.." && pwd)
SRC=$(cd "$1" && pwd); OUT=$2
PY=${PYTHON:-$HERE/.venv/bin/python}
CORPUS=$(cd "${CORPUS:-$HERE/../shared/bpmn-corpus}" && pwd)
: > "$OUT"
T=$(mktemp -d); mkdir -p "$T/proc/bpmn" "$T/data"
cp "$SRC/processes/organisation.yaml" "$SRC/processes/schedules.yaml" "$T/proc/"
[ -f "$SRC/processes/registers.yaml" ] && cp "$SRC/processes/registers.yaml" "$T/proc/"
export KRABUAN_PROCESSES_DIR=$T/proc  # an empty bpmn/ folder: init deploys nothing
run() { (cd "$SRC" && PYTHONPATH="$SRC" "$PY" -c "from cli import main; main()" "$@"); }
KRABUAN_DATA_DIR=$T/data run init >/dev/null 2>&1
find "$CORPUS" -type f \( -name "*.bpmn" -o -name "*.xml" \) | sort | while read -r f; do
  d=$(mktemp -d); cp -r "$T/data/." "$d/"
  msg=$(KRABUAN_DATA_DIR=$d run deploy "$f" --as admin1 2>&1); rc=$?
  printf '%s\t%s\t%s\n' "${f#"$CORPUS"/}" "$rc" "$(echo "$msg" | tr '\n' ' ' | cut -c1-200)" >> "$OUT"
  rm -rf "$d"
done
rm -rf "$T"
