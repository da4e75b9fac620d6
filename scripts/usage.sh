# Sourced first by the bash scripts beside it: `scripts/X -h` or `--help` prints X's leading
# comment (what it does and how to call it) and exits 0 before X does anything else; a script
# that passes its arguments on (repro, soak) would otherwise build, run or pass --help along.
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,/^[^#]/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
  exit 0
fi
