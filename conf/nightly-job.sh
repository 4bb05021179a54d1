#!/usr/bin/env bash
# Nightly retraining and scoring with Downhill: an EXAMPLE for cron or any scheduler, to adapt, not a tool.
#
#   conf/nightly-job.sh            (e.g. from cron: 0 2 * * * /opt/downhill/conf/nightly-job.sh)
#
# What it does, with spark-submit in client mode against a standalone master:
#   1. train with conf/nightly.properties, warm-started from the model being served (when there
#      is one): --init-model continues from yesterday's weights on today's data;
#   2. gate: read summary.json's test (else validation) accuracy and compare it with a floor;
#   3. promote: only a run that passed replaces the served model (a copy, swapped in by renames);
#   4. predict: score today's new rows with the served model into Parquet.
# Downhill's exit code of each step becomes an alert (docs/BATCH-JOBS.md says what each means).
# ClusterIT runs this script for real against scripts/cluster, with scripts/spark-submit.
#
# Adapt: the variables below (master, jar, paths, floor, time limit), and alert() (it only
# prints to stderr here; send mail, page, or post to a webhook instead). It assumes bash, flock
# (util-linux) and python3 on the machine that runs it (a grep fallback reads the accuracy
# without python3), and a Spark 4.2 distribution's spark-submit (or scripts/spark-submit).
#
# Its own exit codes: Downhill's (0-4), spark-submit's or a signal's otherwise, and
#   10  trained, but accuracy below the floor (not promoted, nothing scored)
#   11  another run of this job still holds the lock
set -euo pipefail

# ---- settings (adapt) ----
SPARK_SUBMIT=${SPARK_SUBMIT:-${SPARK_HOME:-/opt/spark}/bin/spark-submit}
MASTER=${MASTER:-spark://spark-master:7077}
JAR=${JAR:-/opt/downhill/downhill-0.1.0-SNAPSHOT.jar}
CONF=${CONF:-/opt/downhill/conf/nightly.properties}
OUT=${OUT:-/srv/downhill/runs/nightly}              # Downhill's --out (overrides out= in $CONF)
SERVE=${SERVE:-/srv/downhill/serving/nightly}       # where a model that passed the floor goes; empty: no copy
# One checkpoint directory per day: a rerun the same day resumes; the next day (new data) starts
# afresh instead of being refused because the data's fingerprint changed. Successful runs empty
# theirs; remove old dated directories from time to time (hdfs dfs -rm -r ...).
CHECKPOINT_DIR=${CHECKPOINT_DIR:-hdfs:///downhill/checkpoints/nightly/$(date +%F)}
FLOOR=${FLOOR:-0.85}                                # minimum test (else validation) accuracy
MAX_SECONDS=${MAX_SECONDS:-7200}                    # alert when a run takes longer than this
LOG_DIR=${LOG_DIR:-/var/log/downhill}
PREDICT_DATA=${PREDICT_DATA:-}                      # today's rows to score with the served model; empty: no scoring
PREDICTIONS=${PREDICTIONS:-/srv/downhill/predictions/nightly}   # predict's --out (Parquet)
EXECUTOR_MEMORY=${EXECUTOR_MEMORY:-4g}
read -r -a SUBMIT_EXTRA <<< "${SUBMIT_EXTRA:-}"     # more spark-submit flags, e.g. "--conf spark.cores.max=8"

alert() {  # alert LEVEL MESSAGE...: replace with your paging or mail command
  echo "downhill nightly: $1: ${*:2}" >&2
}

mkdir -p "$LOG_DIR" "$(dirname "$OUT")"
log="$LOG_DIR/nightly-$(date +%Y%m%dT%H%M%S).log"

# Downhill itself refuses a second run on the same --out (exit 2); this job's own lock also
# covers the steps after training (promote, predict), so two jobs never interleave them.
lock="$(dirname "$OUT")/.$(basename "$OUT").job-lock"
exec 9>"$lock"
if ! flock -n 9; then
  alert warning "a previous run still holds $lock; not starting"
  exit 11
fi

# submit LOGFILE ARGS...: Downhill through spark-submit; returns its exit code
submit() {
  local logfile=$1; shift
  "$SPARK_SUBMIT" \
    --master "$MASTER" --deploy-mode client \
    --class io.downhill.cli.Main \
    --conf spark.executor.memory="$EXECUTOR_MEMORY" \
    --conf spark.executorEnv.OPENBLAS_NUM_THREADS=1 \
    --conf spark.executor.extraJavaOptions=-XX:G1HeapRegionSize=16m \
    --driver-java-options -XX:G1HeapRegionSize=16m \
    "${SUBMIT_EXTRA[@]}" \
    "$JAR" "$@" >"$logfile" 2>&1
}

# Warm start: continue from the served model's weights (its preprocessing kept) when there is one.
init=()
if [ -n "$SERVE" ] && [ -d "$SERVE/model" ]; then
  init=(--init-model "$SERVE")
fi

start=$SECONDS
rc=0
submit "$log" train --conf "$CONF" --out "$OUT" --checkpoint-dir "$CHECKPOINT_DIR" "${init[@]}" || rc=$?
elapsed=$((SECONDS - start))

if [ "$elapsed" -gt "$MAX_SECONDS" ]; then
  alert warning "the run took ${elapsed} s, more than ${MAX_SECONDS} s (log: $log)"
fi

# check STEP RC LOG: alerts and exits unless RC is 0. Downhill's failure is one line starting
# with "downhill:" (the full trace is in its log file, which that line names).
check() {
  local step=$1 rc=$2 logfile=$3 reason
  [ "$rc" -eq 0 ] && return 0
  reason=$(grep -m1 '^downhill: ' "$logfile" || tail -n 1 "$logfile" || true)
  case "$rc" in
    1) alert error "$step: internal error (exit 1): $reason (log: $logfile). Retry once; if it repeats, report it" ;;
    2) if grep -q 'written by a run with other settings' "$logfile"; then
         alert error "$step: bad input (exit 2): $CHECKPOINT_DIR holds a checkpoint of other settings or data; empty it, then rerun"
       else
         alert error "$step: bad input (exit 2): $reason. Fix the data or the settings; a rerun unchanged fails the same way"
       fi ;;
    3) alert error "$step: training diverged (exit 3): $reason. Lower lr in $CONF (3 to 10 times) or add warmup, empty $CHECKPOINT_DIR, rerun" ;;
    4) alert error "$step: cluster or resource failure (exit 4): $reason. Rerun this job when the cluster is back: it resumes from $CHECKPOINT_DIR" ;;
    *) alert error "$step: spark-submit ended with $rc (a signal, or spark-submit itself failed): see $logfile. Rerun: it resumes from $CHECKPOINT_DIR" ;;
  esac
  exit "$rc"
}
check train "$rc" "$log"

# Exit 0: $OUT holds the new run (the previous one is gone). Read the accuracy of the weights
# kept: test_accuracy, or val_accuracy when the run had no test data.
summary="$OUT/summary.json"
if command -v python3 >/dev/null; then
  accuracy=$(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
a = s.get("test_accuracy")
a = s.get("val_accuracy") if a is None else a
print("" if a is None else a)' "$summary")
else
  # summary.json is pretty-printed ("test_accuracy" : 0.8447,) and its top-level accuracies come
  # before the per-epoch ones, so the first match is the run's.
  accuracy=$(grep -m1 -o '"test_accuracy" *: *[0-9.eE+-]*' "$summary" | sed 's/.*: *//' || true)
  [ -n "$accuracy" ] || accuracy=$(grep -m1 -o '"val_accuracy" *: *[0-9.eE+-]*' "$summary" | sed 's/.*: *//' || true)
fi

if [ -z "$accuracy" ]; then
  alert error "no test or validation accuracy in $summary: give the run test-data or a val-fraction"
  exit 10
fi
if ! awk -v a="$accuracy" -v f="$FLOOR" 'BEGIN { exit !(a + 0 >= f + 0) }'; then
  alert error "accuracy $accuracy is below the floor $FLOOR; $OUT not promoted (log: $log)"
  exit 10
fi

# Promote: copy beside the serving folder, then swap it in with renames, as Downhill does.
if [ -n "$SERVE" ]; then
  mkdir -p "$(dirname "$SERVE")"
  rm -rf "$SERVE.new" "$SERVE.old"
  cp -a "$OUT" "$SERVE.new"
  if [ -e "$SERVE" ]; then mv "$SERVE" "$SERVE.old"; fi
  mv "$SERVE.new" "$SERVE"
  rm -rf "$SERVE.old"
fi

# Score today's rows with the model now served (the one that passed the floor).
scored=""
if [ -n "$PREDICT_DATA" ]; then
  plog="$LOG_DIR/nightly-predict-$(date +%Y%m%dT%H%M%S).log"
  rc=0
  submit "$plog" predict --model "${SERVE:-$OUT}" --data "$PREDICT_DATA" --out "$PREDICTIONS" || rc=$?
  check predict "$rc" "$plog"
  scored="; predictions in $PREDICTIONS"
fi
echo "downhill nightly: ok: accuracy $accuracy (floor $FLOOR) in ${elapsed} s${init:+, warm-started from $SERVE}${SERVE:+; serving $SERVE}$scored"
