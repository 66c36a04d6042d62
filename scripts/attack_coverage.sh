#!/usr/bin/env bash
# attack_coverage.sh — which rows of the attack catalog (ATTACKS.md) have a test that names them (issue 7).
#
#   scripts/attack_coverage.sh [--report] [--catalog FILE] [--tests DIR]
#
# A row is a catalog table line `| S3 | ... |`. A test names a row with the tag `attack:S3` (Catch2 tag
# `[attack:S3]`, or the text "attack:S3" in a node test or a ctest name) anywhere under tests/ (node_modules
# excluded). Prints every row with the files that name it, then the rows without a test and the totals.
# Exit 1 when a row has no test (--report: always 0), 2 on a usage error.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
catalog="$root/../shared/ATTACKS.md"
tests="$root/tests"
report=0

usage() { echo "usage: attack_coverage.sh [--report] [--catalog FILE] [--tests DIR]" >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --report) report=1; shift ;;
    --catalog) [[ $# -ge 2 ]] || usage; catalog=$2; shift 2 ;;
    --tests) [[ $# -ge 2 ]] || usage; tests=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) usage ;;
  esac
done
[[ -r "$catalog" ]] || { echo "attack_coverage.sh: cannot read the catalog $catalog" >&2; exit 2; }
[[ -d "$tests" ]] || { echo "attack_coverage.sh: no tests directory $tests" >&2; exit 2; }

# Row ids in catalog order (J1 .. H12).
mapfile -t rows < <(grep -oE '^\| *[A-Z][0-9]+ *\|' "$catalog" | tr -d '| ')
[[ ${#rows[@]} -gt 0 ]] || { echo "attack_coverage.sh: no rows found in $catalog" >&2; exit 2; }

# "<id> <file>" for every tag in the tests, one per file and id. The tag ends at a non-digit, so attack:S1 is not
# counted for S10.
declare -A files_of=()
while IFS=: read -r file tag; do
  id=${tag#attack:}
  rel=${file#"$tests"/}
  case " ${files_of[$id]:-} " in *" $rel "*) ;; *) files_of[$id]="${files_of[$id]:-} $rel" ;; esac
done < <(grep -rIoE --exclude-dir=node_modules 'attack:[A-Z][0-9]+' "$tests" || true)

covered=0
missing=()
printf '%-5s %s\n' row tests
for id in "${rows[@]}"; do
  if [[ -n "${files_of[$id]:-}" ]]; then
    covered=$((covered + 1))
    printf '%-5s%s\n' "$id" "${files_of[$id]}"
  else
    missing+=("$id")
    printf '%-5s -- no test\n' "$id"
  fi
done
echo
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "without a test: ${missing[*]}"
else
  echo "without a test: none"
fi
echo "covered ${covered} of ${#rows[@]} rows, ${#missing[@]} without a test"
[[ $report -eq 1 || ${#missing[@]} -eq 0 ]]
