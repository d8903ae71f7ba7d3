#!/usr/bin/env bash
# Benchmark `restoreplan plan` (the dry run) on a generated estate: an inventory
# of N VMs and a plan of N restore nodes over it (scripts/gen-estate.py), with
# `restoreplan validate` on the same plan, measured in the same run, as the
# baseline (so the dry run's own cost is plan - validate).
#
#   scripts/bench-plan.sh
#
# Needs the Rust toolchain and python3. Installs GNU time (apt-get) only when
# /usr/bin/time is missing; uses hyperfine when present.
# Knobs (environment): BENCH_SIZES="2000 10000", BENCH_RUNS=5,
# BENCH_SEED=20240601, BENCH_DIR=$CARGO_TARGET_DIR/bench (default target/bench),
# BENCH_DETAIL=lean (gen-estate.py --detail: `full` writes contoso-level detail,
# which at 10,000 VMs is over the loader's 16 MiB / 1,000,000-node budget).
#
# Before timing anything, each generated plan is dry-run once with
# `--format json`: it must exit 0 with no errors (warnings are counted by code
# and printed). `plan` is timed with its default human output (node table and
# rendered findings, to /dev/null) and, for comparison, with `--format json`.
#
# Exits non-zero only when something fails to run (build, generation, a plan
# that does not dry-run cleanly). Missed performance targets are printed as MISSED.
set -euo pipefail
export LC_ALL=C   # '.' as the decimal separator for $EPOCHREALTIME, awk and printf
cd "$(dirname "$0")/.."
ROOT=$PWD

SIZES=(${BENCH_SIZES:-2000 10000})
RUNS=${BENCH_RUNS:-5}
SEED=${BENCH_SEED:-20240601}
DETAIL=${BENCH_DETAIL:-lean}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}   # where cargo puts the release build
BENCH_DIR=${BENCH_DIR:-$TARGET_DIR/bench}
BIN=$TARGET_DIR/release/restoreplan

# Targets (issue 3, "Performance"): the 10k dry run.
T10K_MAX_MS=1000
RSS10K_MAX_MB=300
LOADER_MAX_BYTES=$((16 * 1024 * 1024))   # src/source/file.rs MAX_FILE_BYTES

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

# --- 2. generate estates and confirm they dry-run without errors --------------
# findings JSON -> "ERRORS WARNINGS NODES RESTORE_NODES WAVES ESTIMATE BY_CODE"
summarize() {
  python3 - "$1" <<'EOF'
import collections, json, sys
d = json.load(open(sys.argv[1]))
findings = d.get("findings", [])
errors = [f for f in findings if f.get("severity") == "error"]
warnings = [f for f in findings if f.get("severity") == "warning"]
r = d.get("resolved") or {}
nodes = r.get("nodes", [])
restores = sum(1 for n in nodes if n.get("kind") == "restore")
by_code = collections.Counter(f["code"] for f in warnings)
codes = ",".join(f"{c}={by_code[c]}" for c in sorted(by_code)) or "-"
est = r.get("estimateSeconds")
est = f"{est // 3600}h{est % 3600 // 60:02d}m" if isinstance(est, int) else "?"
print(len(errors), len(warnings), len(nodes), restores, r.get("waves", "?"), est, codes)
for f in errors[:10]:
    print(f"  {f['code']} {f.get('file', '')}:{f.get('line', '')}: {f['message']}", file=sys.stderr)
EOF
}

declare -A PLAN INV AT VMS NODES RNODES WAVES EST WARN CODES
for n in "${SIZES[@]}"; do
  inv=$BENCH_DIR/estate-$n.yaml plan=$BENCH_DIR/estate-plan-$n.yaml
  python3 "$ROOT/scripts/gen-estate.py" --vms "$n" --seed "$SEED" --detail "$DETAIL" "$inv" "$plan" ||
    die "generating the $n-VM estate failed"
  INV[$n]=$inv PLAN[$n]=$plan
  AT[$n]=$(sed -n "s/^snapshotTime: '\(.*\)'\$/\1/p" "$inv")
  [ -n "${AT[$n]}" ] || die "no snapshotTime in $inv"
  VMS[$n]=$(grep -c '^- id: .*/providers/Microsoft.Compute/virtualMachines/' "$inv" || true)
  bytes=$(wc -c <"$inv")
  log "generated $(basename "$inv") ($bytes bytes, $((bytes * 100 / LOADER_MAX_BYTES))% of the loader's 16 MiB; ${VMS[$n]} VMs) and $(basename "$plan") ($(wc -c <"$plan") bytes)"
  json=$WORK/plan-$n.json rc=0
  "$BIN" plan "$plan" --inventory "$inv" --at "${AT[$n]}" --format json >"$json" 2>"$WORK/plan-$n.err" || rc=$?
  if ! s=$(summarize "$json" 2>"$WORK/errors-$n.txt"); then
    head -n 40 "$WORK/plan-$n.err" >&2
    die "restoreplan plan on the $n-VM estate exited $rc without a JSON report"
  fi
  read -r errs WARN[$n] NODES[$n] RNODES[$n] WAVES[$n] EST[$n] CODES[$n] <<<"$s"
  if [ "$rc" -ne 0 ] || [ "$errs" -ne 0 ]; then
    cat "$WORK/errors-$n.txt" >&2
    head -n 40 "$WORK/plan-$n.err" >&2
    die "restoreplan plan on the $n-VM estate: exit $rc, $errs errors (fix scripts/gen-estate.py, not restoreplan)"
  fi
  log "  dry run: exit 0, 0 errors, ${WARN[$n]} warnings (${CODES[$n]}); ${NODES[$n]} nodes (${RNODES[$n]} restores), ${WAVES[$n]} waves, estimate ${EST[$n]}"
done

# --- measuring ----------------------------------------------------------------
# measure EXPECTED_RC CMD... -> prints "MEDIAN_MS MEDIAN_KB" (as bench-validate.sh)
# Each run is `/usr/bin/time -f %M CMD` (peak RSS); its wall time is taken by
# hyperfine (-N, no shell) when present, else by $EPOCHREALTIME around the run.
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
  printf '%s %s\n' "$(median <"$times")" "$(grep -E '^[0-9]+$' "$rss" | median)"
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'; }
LOAD_BEFORE=$(loadavg)
declare -A P_MS P_KB J_MS J_KB V_MS V_KB
for n in "${SIZES[@]}"; do
  log "timing restoreplan plan on $n VMs ($RUNS runs)"
  read -r P_MS[$n] P_KB[$n] < <(measure 0 "$BIN" plan "${PLAN[$n]}" --inventory "${INV[$n]}" --at "${AT[$n]}" --color never) &&
    [ -n "${P_MS[$n]}" ] || die "measuring restoreplan plan on $n VMs failed"
  log "  ${P_MS[$n]} ms, ${P_KB[$n]} KB"
  log "timing restoreplan plan --format json on $n VMs ($RUNS runs)"
  read -r J_MS[$n] J_KB[$n] < <(measure 0 "$BIN" plan "${PLAN[$n]}" --inventory "${INV[$n]}" --at "${AT[$n]}" --format json) &&
    [ -n "${J_MS[$n]}" ] || die "measuring restoreplan plan --format json on $n VMs failed"
  log "  ${J_MS[$n]} ms, ${J_KB[$n]} KB"
  log "timing restoreplan validate on the same plan ($RUNS runs)"
  read -r V_MS[$n] V_KB[$n] < <(measure 0 "$BIN" validate "${PLAN[$n]}") &&
    [ -n "${V_MS[$n]}" ] || die "measuring restoreplan validate on $n VMs failed"
  log "  ${V_MS[$n]} ms, ${V_KB[$n]} KB"
done

LOAD_AFTER=$(loadavg)

# --- report -------------------------------------------------------------------
mb() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
echo
echo "restoreplan plan (dry run) vs validate on the same plan — median of $RUNS runs$([ -n "$HYPERFINE" ] && echo " (hyperfine)"), peak RSS from /usr/bin/time"
echo "host: $(nproc) CPUs, $(uname -sr); restoreplan $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$([ -z "$(git -C "$ROOT" status --porcelain -- src schemas 2>/dev/null)" ] || echo ' + uncommitted changes in src/ or schemas/')"
echo "load average (1/5/15 min) before timing: $LOAD_BEFORE, after: $LOAD_AFTER (other work on the host skews the times)"
echo "estate: scripts/gen-estate.py --seed $SEED --detail $DETAIL; plan --at the inventory's snapshotTime, human output to /dev/null"
echo
printf '%6s | %6s | %6s | %8s | %7s | %8s | %11s | %7s | %8s | %7s\n' \
  VMs nodes waves "plan ms" "peak MB" "json ms" "validate ms" "peak MB" "plan-val" ratio
printf '%6s-+-%6s-+-%6s-+-%8s-+-%7s-+-%8s-+-%11s-+-%7s-+-%8s-+-%7s\n' \
  ------ ------ ------ -------- ------- -------- ----------- ------- -------- -------
for n in "${SIZES[@]}"; do
  printf '%6s | %6s | %6s | %8.1f | %7s | %8.1f | %11.1f | %7s | %8.1f | %7.1f\n' \
    "${VMS[$n]}" "${NODES[$n]}" "${WAVES[$n]}" "${P_MS[$n]}" "$(mb "${P_KB[$n]}")" "${J_MS[$n]}" \
    "${V_MS[$n]}" "$(mb "${V_KB[$n]}")" \
    "$(awk -v a="${P_MS[$n]}" -v b="${V_MS[$n]}" 'BEGIN {print a - b}')" \
    "$(awk -v a="${P_MS[$n]}" -v b="${V_MS[$n]}" 'BEGIN {print a / b}')"
done
echo "(nodes = restore nodes + check/run nodes; plan ms = human output; json ms = --format json;"
echo " plan-val = plan ms - validate ms, the dry run's own cost; ratio = plan ms / validate ms)"
echo
for n in "${SIZES[@]}"; do
  echo "findings at $n VMs: 0 errors, ${WARN[$n]} warnings by code: ${CODES[$n]//,/, }; estimate ${EST[$n]}"
done
echo

verdict() { if [ "$1" = 1 ]; then echo "ok"; else echo "MISSED"; fi; }
last=${SIZES[${#SIZES[@]}-1]}
if [ -n "${P_MS[10000]:-}" ] && [ -n "${P_MS[2000]:-}" ]; then
  printf 'scaling: 10k / 2k plan time = %.2fx (5x is linear); validate %.2fx\n' \
    "$(awk -v a="${P_MS[10000]}" -v b="${P_MS[2000]}" 'BEGIN {print a / b}')" \
    "$(awk -v a="${V_MS[10000]}" -v b="${V_MS[2000]}" 'BEGIN {print a / b}')"
else
  echo "scaling: needs sizes 2000 and 10000 (BENCH_SIZES)"
fi
if [ -n "${P_MS[10000]:-}" ]; then
  ok=$(awk -v t="${P_MS[10000]}" -v m="$T10K_MAX_MS" 'BEGIN {print (t < m) ? 1 : 0}')
  printf '10k plan time: %.1f ms (target < %s ms)  %s\n' "${P_MS[10000]}" "$T10K_MAX_MS" "$(verdict "$ok")"
  ok=$(awk -v k="${P_KB[10000]}" -v m="$RSS10K_MAX_MB" 'BEGIN {print (k / 1024 < m) ? 1 : 0}')
  printf '10k plan peak RSS: %s MB (target < %s MB)  %s\n' "$(mb "${P_KB[10000]}")" "$RSS10K_MAX_MB" "$(verdict "$ok")"
else
  echo "targets: need size 10000 (BENCH_SIZES); largest measured: $last"
fi
