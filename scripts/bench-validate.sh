#!/usr/bin/env bash
# Benchmark `restoreplan validate` on large generated plans, against
# check-jsonschema (PyPI) validating the same files with the same schema.
#
#   scripts/bench-validate.sh
#
# Needs the Rust toolchain and python3 (with venv + pip). Installs GNU time
# (apt-get) only when /usr/bin/time is missing; uses hyperfine when present.
# Knobs (environment): BENCH_SIZES="1000 10000 50000", BENCH_RUNS=5,
# BENCH_BASELINE_RUNS=$BENCH_RUNS (check-jsonschema is slow and steady: 1 will do),
# BENCH_SEED=20240601, BENCH_DIR=target/bench.
#
# Exits non-zero only when something fails to run (build, generation, a plan
# that does not validate, the validator install, the alias bomb not refused
# with RP009). Missed performance targets are printed as MISSED.
set -euo pipefail
export LC_ALL=C   # '.' as the decimal separator for $EPOCHREALTIME, awk and printf
cd "$(dirname "$0")/.."
ROOT=$PWD

SIZES=(${BENCH_SIZES:-1000 10000 50000})
RUNS=${BENCH_RUNS:-5}
BASELINE_RUNS=${BENCH_BASELINE_RUNS:-$RUNS}
SEED=${BENCH_SEED:-20240601}
BENCH_DIR=${BENCH_DIR:-$ROOT/target/bench}
SCHEMA=$ROOT/schemas/restore-plan.schema.json
BIN=$ROOT/target/release/restoreplan
VENV=$BENCH_DIR/venv
CJS=$VENV/bin/check-jsonschema

# Targets.
SCALE_MAX=6          # t(50k) / t(10k)
T10K_MAX_MS=300
RSS10K_MAX_MB=200
BOMB_MAX_MS=1000

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else return 1
  fi
}

apt_install() {
  command -v apt-get >/dev/null || return 1
  log "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# --- prerequisites --------------------------------------------------------
command -v cargo >/dev/null || die "cargo not found"
command -v python3 >/dev/null || die "python3 not found"
if [ ! -x /usr/bin/time ]; then
  apt_install time || die "/usr/bin/time is missing and could not be installed (apt-get install time)"
fi
HYPERFINE=""
if command -v hyperfine >/dev/null; then HYPERFINE=$(command -v hyperfine); fi

mkdir -p "$BENCH_DIR"
WORK=$(mktemp -d "$BENCH_DIR/run.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# --- 1. build ---------------------------------------------------------------
log "cargo build --release --locked"
cargo build --release --locked --quiet || die "cargo build failed"
[ -x "$BIN" ] || die "$BIN was not built"

# --- check-jsonschema in a venv (reused) --------------------------------------
if [ -x "$CJS" ] && "$CJS" --version >/dev/null 2>&1; then
  log "reusing $VENV ($("$CJS" --version 2>&1 | tail -n1))"
else
  log "creating $VENV with check-jsonschema"
  rm -rf "$VENV"
  if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
    rm -rf "$VENV"
    pyver=$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    apt_install python3-venv "python$pyver-venv" || apt_install python3-venv ||
      die "python3 -m venv failed and python3-venv could not be installed"
    python3 -m venv "$VENV" || die "python3 -m venv failed"
  fi
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check check-jsonschema ||
    die "pip install check-jsonschema failed"
  "$CJS" --version >/dev/null 2>&1 || die "check-jsonschema does not run"
fi
CJS_VERSION=$("$CJS" --version 2>&1 | tail -n1)

# --- 2. generate plans and confirm they validate -----------------------------
declare -A PLAN
for n in "${SIZES[@]}"; do
  f=$BENCH_DIR/plan-$n.yaml
  python3 "$ROOT/scripts/gen-plan.py" plan --steps "$n" --seed "$SEED" "$f" ||
    die "generating the $n-step plan failed"
  PLAN[$n]=$f
  if ! out=$("$BIN" validate "$f" 2>&1); then
    printf '%s\n' "$out" | head -n 40 >&2
    die "restoreplan does not accept the generated $n-step plan"
  fi
  log "generated $(basename "$f") ($(wc -c <"$f") bytes): restoreplan says $(printf '%s' "$out" | tail -n1)"
done
BOMB=$BENCH_DIR/alias-bomb.yaml
python3 "$ROOT/scripts/gen-plan.py" bomb "$BOMB" || die "generating the alias bomb failed"

# Warm up check-jsonschema once (first-run imports, .pyc) on the smallest plan;
# this also confirms that it accepts the generated plans' shape.
"$CJS" --schemafile "$SCHEMA" "${PLAN[${SIZES[0]}]}" >/dev/null 2>&1 ||
  die "check-jsonschema rejects ${PLAN[${SIZES[0]}]}"

# --- measuring ----------------------------------------------------------------
# measure EXPECTED_RC CMD... -> prints "MEDIAN_MS MEDIAN_KB"
# Each run is `/usr/bin/time -f %M CMD` (peak RSS); its wall time is taken by
# hyperfine (-N, no shell) when present, else by $EPOCHREALTIME around the
# run. Either way the same runs give both numbers (GNU time adds ~1 ms to
# each, the same for both tools).
median() { sort -g | awk '{v[NR]=$1} END {if (NR==0) exit 1; if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }

measure() {
  local expect=$1; shift
  local rss=$WORK/rss.txt times=$WORK/times.txt
  : >"$rss"; : >"$times"
  if [ -n "$HYPERFINE" ]; then
    local json=$WORK/hf.json cmd="" a
    for a in /usr/bin/time -a -o "$rss" -f %M "$@"; do cmd+="$(printf '%q' "$a") "; done
    "$HYPERFINE" -N --runs "$RUNS" --style none --output null \
      --ignore-failure --export-json "$json" "$cmd" >/dev/null 2>&1 ||
      { echo "hyperfine failed: $*" >&2; return 1; }
    python3 - "$json" "$expect" >"$times" <<'EOF' || { echo "unexpected exit code from: $*" >&2; return 1; }
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
codes = r.get("exit_codes") or []
if any(c != int(sys.argv[2]) for c in codes):
    sys.exit(f"exit codes {codes}")
for t in r["times"]:
    print(t * 1000)
EOF
  else
    local i start end rc
    for ((i = 0; i < RUNS; i++)); do
      if [ -n "${EPOCHREALTIME:-}" ]; then start=$EPOCHREALTIME; else start=$(date +%s.%N); fi
      rc=0
      /usr/bin/time -a -o "$rss" -f %M "$@" >/dev/null 2>&1 || rc=$?
      if [ -n "${EPOCHREALTIME:-}" ]; then end=$EPOCHREALTIME; else end=$(date +%s.%N); fi
      if [ "$rc" -ne "$expect" ]; then
        echo "exit code $rc (expected $expect) from: $*" >&2
        return 1
      fi
      awk -v s="$start" -v e="$end" 'BEGIN {printf "%.3f\n", (e - s) * 1000}' >>"$times"
    done
  fi
  # GNU time prefixes "Command exited with non-zero status N" lines: keep numbers.
  printf '%s %s\n' "$(median <"$times")" "$(grep -E '^[0-9]+$' "$rss" | median)"
}

declare -A RP_MS RP_KB CJ_MS CJ_KB
for n in "${SIZES[@]}"; do
  log "timing restoreplan validate on $n steps ($RUNS runs)"
  read -r RP_MS[$n] RP_KB[$n] < <(measure 0 "$BIN" validate "${PLAN[$n]}") && [ -n "${RP_MS[$n]}" ] ||
    die "measuring restoreplan on $n steps failed"
  log "  ${RP_MS[$n]} ms, ${RP_KB[$n]} KB"
  log "timing check-jsonschema on $n steps ($BASELINE_RUNS runs)"
  read -r CJ_MS[$n] CJ_KB[$n] < <(RUNS=$BASELINE_RUNS measure 0 "$CJS" --schemafile "$SCHEMA" "${PLAN[$n]}") && [ -n "${CJ_MS[$n]}" ] ||
    die "measuring check-jsonschema on $n steps failed (or it rejected the plan)"
  log "  ${CJ_MS[$n]} ms, ${CJ_KB[$n]} KB"
done

log "alias bomb: restoreplan must refuse it with RP009 (exit 1)"
bomb_rc=0
bomb_out=$("$BIN" validate "$BOMB" 2>&1) || bomb_rc=$?
[ "$bomb_rc" -eq 1 ] || { printf '%s\n' "$bomb_out" | head -n 20 >&2; die "alias bomb: exit $bomb_rc, expected 1"; }
grep -q 'RP009' <<<"$bomb_out" || { printf '%s\n' "$bomb_out" | head -n 20 >&2; die "alias bomb: no RP009 in the output"; }
read -r BOMB_MS BOMB_KB < <(measure 1 "$BIN" validate "$BOMB") && [ -n "$BOMB_MS" ] ||
  die "measuring the alias bomb failed"

# --- 5. report ----------------------------------------------------------------
mb() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
echo
echo "restoreplan validate vs $CJS_VERSION — median of $RUNS runs (check-jsonschema: $BASELINE_RUNS)$([ -n "$HYPERFINE" ] && echo " (hyperfine)"), peak RSS from /usr/bin/time"
echo "host: $(nproc) CPUs, $(uname -sr); restoreplan $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$([ -z "$(git -C "$ROOT" status --porcelain -- src schemas 2>/dev/null)" ] || echo ' + uncommitted changes in src/ or schemas/')"
echo
printf '%8s | %15s | %8s | %20s | %8s | %8s\n' steps "restoreplan ms" "peak MB" "check-jsonschema ms" "peak MB" ratio
printf '%8s-+-%15s-+-%8s-+-%20s-+-%8s-+-%8s\n' -------- --------------- -------- -------------------- -------- --------
for n in "${SIZES[@]}"; do
  printf '%8s | %15.1f | %8s | %20.1f | %8s | %8.4f\n' "$n" "${RP_MS[$n]}" "$(mb "${RP_KB[$n]}")" \
    "${CJ_MS[$n]}" "$(mb "${CJ_KB[$n]}")" "$(awk -v a="${RP_MS[$n]}" -v b="${CJ_MS[$n]}" 'BEGIN {print a / b}')"
done
echo "(ratio = restoreplan ms / check-jsonschema ms; lower is faster)"
echo

verdict() { if [ "$1" = 1 ]; then echo "ok"; else echo "MISSED"; fi; }
if [ -n "${RP_MS[10000]:-}" ] && [ -n "${RP_MS[50000]:-}" ]; then
  scale=$(awk -v a="${RP_MS[50000]}" -v b="${RP_MS[10000]}" 'BEGIN {printf "%.2f", a / b}')
  ok=$(awk -v s="$scale" -v m="$SCALE_MAX" 'BEGIN {print (s <= m) ? 1 : 0}')
  echo "scaling: 50k / 10k time = ${scale}x (target <= ${SCALE_MAX}x; 5x is linear)  $(verdict "$ok")"
else
  echo "scaling: needs sizes 10000 and 50000 (BENCH_SIZES)"
fi
if [ -n "${RP_MS[10000]:-}" ]; then
  ok=$(awk -v t="${RP_MS[10000]}" -v m="$T10K_MAX_MS" 'BEGIN {print (t < m) ? 1 : 0}')
  printf '10k time: %.1f ms (target < %s ms)  %s\n' "${RP_MS[10000]}" "$T10K_MAX_MS" "$(verdict "$ok")"
  ok=$(awk -v k="${RP_KB[10000]}" -v m="$RSS10K_MAX_MB" 'BEGIN {print (k / 1024 < m) ? 1 : 0}')
  printf '10k peak RSS: %s MB (target < %s MB)  %s\n' "$(mb "${RP_KB[10000]}")" "$RSS10K_MAX_MB" "$(verdict "$ok")"
fi
ok=$(awk -v t="$BOMB_MS" -v m="$BOMB_MAX_MS" 'BEGIN {print (t < m) ? 1 : 0}')
printf 'alias bomb (a..i, 10 aliases each, 10^9 nodes): exit 1 with RP009, %.1f ms, peak %s MB (target < 1 s)  %s\n' \
  "$BOMB_MS" "$(mb "$BOMB_KB")" "$(verdict "$ok")"
