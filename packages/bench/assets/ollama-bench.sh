#!/usr/bin/env bash
# gpu-shopper ollama benchmark v1
#
# Measures LLM inference on this node with a local Ollama and writes one result JSON.
# Uploaded and started by @gpu-shopper/bench's runner; the simulator emulates it by the marker line
# above and the interface below, so change either only together with a new version number.
#
# Usage: ollama-bench.sh --model TAG --out DIR [options]
#   --model TAG            Ollama model tag, e.g. llama3.1:8b (required)
#   --out DIR              directory for every file this script writes; created (required)
#   --duration SECONDS     throughput phase length (default 300); no request starts after it
#   --max-tokens N         num_predict of each throughput request (default 500)
#   --warmup N             warmup requests before measuring, also loads the model (default 2)
#   --ollama-url URL       default http://127.0.0.1:11434
#   --sample-interval S    GPU sampling interval in seconds (default 5)
#   --ollama-timeout S     how long to wait for the Ollama server (default 300)
#   --gpu-wait S           how long to wait for nvidia-smi to answer (driver init, NVML mismatch; default 1800)
#   --pull-timeout S       model pull limit (default 900)
#   --request-timeout S    one generate request's limit (default 300)
#   --no-install           never install or start Ollama or packages (fail instead)
#
# Files in DIR (the runner polls them):
#   pid              this script's PID
#   heartbeat        "<epoch-seconds> <phase>", rewritten at every phase change and request
#   bench.log        "[<UTC time>] message" progress lines
#   requests.jsonl   one object per throughput request;  quality.jsonl  one per quality prompt
#   gpu.csv          header + one line per GPU per sample
#   result.json      the result (written to a temporary name, then renamed: never half-written)
#   done             "ok", written after result.json
#   failed           "exit_code=<n> phase=<phase> message=<text>", when exiting without a result
# Exit codes: 0 ok, 2 usage, 3 a required tool is missing, 4 Ollama unavailable, 5 model pull failed,
# 6 no successful throughput request, 7 other failure.
#
# Measurement (documented in packages/bench/README.md): requests stream (stream:true), so TTFT is
# the time from sending to the first non-empty token chunk; decode TPS is eval_count ÷ eval_duration
# from Ollama's final chunk; end-to-end TPS is output tokens ÷ the phase's wall time. Percentiles are
# nearest-rank. Temperature 0 and a fixed seed make runs repeatable.
set -uo pipefail

SUITE_VERSION="ollama-bench v1"
MODEL=""
OUT=""
DURATION=300
MAX_TOKENS=500
WARMUP=2
OLLAMA_URL="http://127.0.0.1:11434"
SAMPLE_INTERVAL=5
OLLAMA_TIMEOUT=300
GPU_WAIT=1800
PULL_TIMEOUT=900
REQUEST_TIMEOUT=300
INSTALL=1
PHASE="start"
SAMPLER_PID=""

usage() { sed -n '8,22p' "$0" >&2; exit 2; }
is_uint() { [[ ${1:-} =~ ^[0-9]+$ ]]; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --model) MODEL=${2:-}; shift 2 ;;
    --out) OUT=${2:-}; shift 2 ;;
    --duration) DURATION=${2:-}; shift 2 ;;
    --max-tokens) MAX_TOKENS=${2:-}; shift 2 ;;
    --warmup) WARMUP=${2:-}; shift 2 ;;
    --ollama-url) OLLAMA_URL=${2:-}; shift 2 ;;
    --sample-interval) SAMPLE_INTERVAL=${2:-}; shift 2 ;;
    --ollama-timeout) OLLAMA_TIMEOUT=${2:-}; shift 2 ;;
    --gpu-wait) GPU_WAIT=${2:-}; shift 2 ;;
    --pull-timeout) PULL_TIMEOUT=${2:-}; shift 2 ;;
    --request-timeout) REQUEST_TIMEOUT=${2:-}; shift 2 ;;
    --no-install) INSTALL=0; shift ;;
    -h|--help) usage ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
done
[[ -n $MODEL && -n $OUT ]] || { echo "--model and --out are required" >&2; usage; }
for n in "$DURATION" "$MAX_TOKENS" "$WARMUP" "$SAMPLE_INTERVAL" "$OLLAMA_TIMEOUT" "$GPU_WAIT" "$PULL_TIMEOUT" "$REQUEST_TIMEOUT"; do
  is_uint "$n" || { echo "numeric options take whole numbers, got '$n'" >&2; usage; }
done
OLLAMA_URL=${OLLAMA_URL%/}

mkdir -p "$OUT" || exit 2
LOG="$OUT/bench.log"
# A previous attempt's files must never be read as this one's.
rm -f "$OUT/done" "$OUT/failed" "$OUT/result.json" "$OUT/requests.jsonl" "$OUT/quality.jsonl" "$OUT/gpu.csv" "$OUT"/raw-*
echo $$ > "$OUT/pid"

log() { printf '[%s] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >> "$LOG"; }
heartbeat() { printf '%s %s\n' "$(date +%s)" "$PHASE" > "$OUT/heartbeat.tmp" && mv -f "$OUT/heartbeat.tmp" "$OUT/heartbeat"; }
phase() { PHASE=$1; heartbeat; log "phase: $1"; }
LAST_ERROR=""
die() { LAST_ERROR=$2; log "FATAL: $2"; exit "$1"; }

# The trap is installed before anything can fail, so every early exit leaves a failure marker
# (upstream installed it after the tool install, and the runner then waited out its whole timeout).
on_exit() {
  local code=$?
  [[ -n $SAMPLER_PID ]] && kill "$SAMPLER_PID" 2>/dev/null
  if [[ ! -f $OUT/done ]]; then
    [[ $code -eq 0 ]] && code=7
    printf 'exit_code=%s phase=%s message=%s\n' "$code" "$PHASE" "${LAST_ERROR:-unexpected exit}" > "$OUT/failed"
  fi
}
trap on_exit EXIT
trap 'LAST_ERROR="terminated by signal"; exit 143' TERM INT HUP

phase tools
# sudo only when not root: root-only containers often have no sudo at all.
SUDO=""; [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null 2>&1 && SUDO="sudo -n"
missing=()
for tool in curl jq awk; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if [[ ${#missing[@]} -gt 0 ]]; then
  [[ $INSTALL -eq 1 ]] || die 3 "missing tools: ${missing[*]} (and --no-install)"
  log "installing ${missing[*]}"
  if command -v apt-get >/dev/null 2>&1; then
    # A fresh VM may hold the dpkg lock for minutes (unattended upgrades): retry for up to 20 minutes.
    for _ in $(seq 1 120); do
      $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >> "$LOG" 2>&1 && break
      $SUDO apt-get update -qq >> "$LOG" 2>&1; heartbeat; sleep 10
    done
  elif command -v yum >/dev/null 2>&1; then
    $SUDO yum install -y "${missing[@]}" >> "$LOG" 2>&1
  fi
  for tool in "${missing[@]}"; do command -v "$tool" >/dev/null 2>&1 || die 3 "could not install $tool"; done
fi

# Microsecond wall clock without a fork where bash has EPOCHREALTIME (5.0+); the separator follows the locale.
stamp() {
  if [[ -n ${EPOCHREALTIME:-} ]]; then _now=${EPOCHREALTIME//[.,]/}; else _now=$(date +%s%6N); fi
}

phase ollama
if ! curl -fsS --max-time 5 "$OLLAMA_URL/api/tags" > /dev/null 2>&1; then
  [[ $INSTALL -eq 1 ]] || die 4 "Ollama does not answer at $OLLAMA_URL (and --no-install)"
  if ! command -v ollama >/dev/null 2>&1; then
    log "installing Ollama"
    curl -fsSL https://ollama.com/install.sh | $SUDO sh >> "$LOG" 2>&1 || die 4 "Ollama install failed"
  fi
  log "starting ollama serve"
  nohup ollama serve > "$OUT/ollama.log" 2>&1 &
fi
waited=0
until curl -fsS --max-time 5 "$OLLAMA_URL/api/tags" > /dev/null 2>&1; do
  (( waited >= OLLAMA_TIMEOUT )) && die 4 "Ollama did not answer at $OLLAMA_URL within ${OLLAMA_TIMEOUT}s"
  sleep 2; waited=$((waited + 2)); heartbeat
done

phase hardware
GPU_NAME="unknown"; GPU_MEMORY_MIB=null; GPU_COUNT=0; DRIVER_VERSION=""; CUDA_VERSION=""
if command -v nvidia-smi >/dev/null 2>&1; then
  waited=0
  # Right after boot (or during an NVML driver/library mismatch) nvidia-smi fails or prints text.
  until [[ $(nvidia-smi --query-gpu=memory.total --format=csv,noheader,nounits 2>/dev/null | head -1 | tr -d ' ') =~ ^[0-9]+$ ]]; do
    (( waited >= GPU_WAIT )) && { log "nvidia-smi never answered; GPU fields stay unknown"; break; }
    sleep 10; waited=$((waited + 10)); heartbeat
  done
  query=$(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader,nounits 2>/dev/null || true)
  if [[ -n $query ]]; then
    GPU_COUNT=$(printf '%s\n' "$query" | grep -c .)
    first=$(printf '%s\n' "$query" | head -1)
    GPU_NAME=$(printf '%s' "$first" | awk -F', *' '{print $1}')
    mem=$(printf '%s' "$first" | awk -F', *' '{print $2}')
    [[ $mem =~ ^[0-9]+$ ]] && GPU_MEMORY_MIB=$mem
    DRIVER_VERSION=$(printf '%s' "$first" | awk -F', *' '{print $3}')
  fi
  CUDA_VERSION=$(nvidia-smi 2>/dev/null | grep -o 'CUDA Version: *[0-9.]*' | head -1 | awk '{print $NF}')
fi
[[ $GPU_COUNT -ge 1 ]] || GPU_COUNT=1
CPU_MODEL=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')
CPU_CORES=$(grep -c '^processor' /proc/cpuinfo 2>/dev/null); [[ $CPU_CORES =~ ^[0-9]+$ ]] || CPU_CORES=0
RAM_GIB=$(awk '/^MemTotal:/ {printf "%d", $2 / 1048576}' /proc/meminfo 2>/dev/null)
[[ $RAM_GIB =~ ^[0-9]+$ ]] || RAM_GIB=null

phase pull
model_listed() { curl -fsS --max-time 10 "$OLLAMA_URL/api/tags" | jq -e --arg m "$MODEL" '[.models[]? | .name, .model] | (index($m) != null or index($m + ":latest") != null)' > /dev/null 2>&1; }
if ! model_listed; then
  log "pulling $MODEL"
  body=$(jq -cn --arg m "$MODEL" '{model: $m, name: $m, stream: true}')
  last=""; beat=$SECONDS
  # Streaming progress keeps the heartbeat fresh through a long download.
  while IFS= read -r line || [[ -n $line ]]; do
    last=$line
    (( SECONDS != beat )) && { heartbeat; beat=$SECONDS; }
  done < <(curl -sS -N --max-time "$PULL_TIMEOUT" -H 'Content-Type: application/json' -d "$body" "$OLLAMA_URL/api/pull" 2>> "$LOG")
  pull_error=$(printf '%s' "$last" | jq -r '.error // empty' 2>/dev/null)
  [[ -z $pull_error ]] || die 5 "pull of $MODEL failed: $pull_error"
  model_listed || die 5 "pull of $MODEL did not finish within ${PULL_TIMEOUT}s (last: ${last:0:200})"
fi

# One streamed generate. Sets R_OK, R_HTTP, R_ERROR, R_T0 (µs), R_FIRST_US, R_END_US, R_FINAL (the
# done chunk, JSON) and R_TEXT (the whole response text).
RESPONSE_RE='"response": ?"[^"]'
generate() {
  local prompt=$1 num=$2 raw=$3 body line
  body=$(jq -cn --arg m "$MODEL" --arg p "$prompt" --argjson n "$num" '{model: $m, prompt: $p, stream: true, options: {num_predict: $n, temperature: 0, seed: 42}}')
  : > "$raw"; rm -f "$raw.hdr"
  R_FIRST_US=""
  stamp; R_T0=$_now
  # The loop reads chunks as they arrive (process substitution keeps it in this shell, so the
  # variables it sets survive); the first chunk carrying text is the first token.
  while IFS= read -r line || [[ -n $line ]]; do
    if [[ -z $R_FIRST_US && $line =~ $RESPONSE_RE ]]; then stamp; R_FIRST_US=$_now; fi
    printf '%s\n' "$line" >> "$raw"
  done < <(curl -sS -N --max-time "$REQUEST_TIMEOUT" -D "$raw.hdr" -H 'Content-Type: application/json' -d "$body" "$OLLAMA_URL/api/generate" 2>> "$LOG")
  stamp; R_END_US=$_now
  R_HTTP=$(awk 'toupper($1) ~ /^HTTP\// {code = $2} END {print code + 0}' "$raw.hdr" 2>/dev/null)
  [[ $R_HTTP =~ ^[0-9]+$ ]] || R_HTTP=0
  R_FINAL=$(jq -c 'select(.done == true)' "$raw" 2>/dev/null | tail -1)
  R_ERROR=$(jq -r 'select(.error != null) | .error' "$raw" 2>/dev/null | tail -1)
  R_TEXT=$(jq -j '.response // empty' "$raw" 2>/dev/null)
  R_OK=0
  if [[ $R_HTTP -ne 200 ]]; then R_ERROR="http_status_${R_HTTP}${R_ERROR:+: $R_ERROR}"
  elif [[ -n $R_ERROR ]]; then :
  elif [[ -z $R_FINAL ]]; then R_ERROR="stream ended without a done chunk"
  else R_OK=1; fi
  [[ -n $R_FIRST_US ]] || R_FIRST_US=null
  [[ -n $R_FINAL ]] || R_FINAL=null
}

# The per-request record: TTFT and latency from our clock, token counts and decode time from Ollama's.
record() {
  jq -cn --argjson n "$1" --argjson ok "$R_OK" --argjson http "${R_HTTP:-0}" --arg err "$R_ERROR" \
    --argjson t0 "$R_T0" --argjson first "$R_FIRST_US" --argjson t_end "$R_END_US" --argjson final "$R_FINAL" '
    def ms(ns): if ns == null then null else (ns / 1e6 * 1000 | round) / 1000 end;
    {
      n: $n, t: ($t_end / 1e6 | floor), ok: ($ok == 1), http: $http,
      error: (if $ok == 1 then null else $err end),
      ttft_ms: (if $first == null then null else (($first - $t0) / 1000 * 1000 | round) / 1000 end),
      latency_ms: ((($t_end - $t0) / 1000) * 1000 | round / 1000),
      eval_count: ($final.eval_count // 0),
      eval_ms: ms($final.eval_duration),
      prompt_eval_count: ($final.prompt_eval_count // 0),
      prompt_eval_ms: ms($final.prompt_eval_duration),
      load_ms: ms($final.load_duration),
      tps: (if ($final.eval_duration // 0) > 0 then (($final.eval_count // 0) / ($final.eval_duration / 1e9) * 100 | round) / 100 else null end)
    }'
}

phase warmup
for i in $(seq 1 "$WARMUP"); do
  generate "Say hello in one short sentence." 20 "$OUT/raw-warmup"
  heartbeat
  [[ $R_OK -eq 1 ]] || log "warmup $i failed: $R_ERROR"
done

phase quality
# id|category|expected (case-insensitive alternatives separated by ';', empty = not scored)|num_predict|prompt
QUALITY_PROMPTS=(
  "math_simple|reasoning|42|20|What is 15 + 27? Answer with the number only."
  "code_simple|coding|def square;return|100|Write a Python function named square that returns the square of a number. Code only."
  "knowledge|knowledge|paris|20|What is the capital of France? Answer in one word."
  "creative|creative||100|Write a haiku about programming."
  "instruction|instruction|red;blue|50|List the three primary colors of paint, comma-separated, nothing else."
)
: > "$OUT/quality.jsonl"
q=0
for spec in "${QUALITY_PROMPTS[@]}"; do
  IFS='|' read -r qid qcat qexpect qnum qprompt <<< "$spec"
  q=$((q + 1))
  generate "$qprompt" "$qnum" "$OUT/raw-quality"
  heartbeat
  matched=null
  if [[ -n $qexpect ]]; then
    matched=false
    lower=$(printf '%s' "$R_TEXT" | tr '[:upper:]' '[:lower:]')
    IFS=';' read -ra alternatives <<< "$qexpect"
    for alt in "${alternatives[@]}"; do [[ $R_OK -eq 1 && $lower == *"$alt"* ]] && matched=true; done
  fi
  record "$q" | jq -c --arg id "$qid" --arg cat "$qcat" --argjson matched "$matched" '. + {id: $id, category: $cat, matched: $matched}' >> "$OUT/quality.jsonl"
done

phase throughput
THROUGHPUT_PROMPT="Explain machine learning in detail: the supervised, unsupervised and reinforcement learning paradigms, common algorithms for each, and the mathematics of gradient descent and backpropagation."
printf 'epoch,index,utilization_pct,memory_used_mib,memory_total_mib,temperature_c,power_draw_w\n' > "$OUT/gpu.csv"
if command -v nvidia-smi >/dev/null 2>&1; then
  (
    trap - EXIT
    while :; do
      now=$(date +%s)
      nvidia-smi --query-gpu=index,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw --format=csv,noheader,nounits 2>/dev/null \
        | awk -v t="$now" -F', *' 'NF >= 6 {print t "," $1 "," $2 "," $3 "," $4 "," $5 "," $6}' >> "$OUT/gpu.csv"
      sleep "$SAMPLE_INTERVAL"
    done
  ) &
  SAMPLER_PID=$!
fi
: > "$OUT/requests.jsonl"
stamp; PHASE_START_US=$_now
DEADLINE_US=$((PHASE_START_US + DURATION * 1000000))
n=0
while :; do
  stamp; (( _now >= DEADLINE_US )) && break
  n=$((n + 1))
  generate "$THROUGHPUT_PROMPT" "$MAX_TOKENS" "$OUT/raw-throughput"
  record "$n" >> "$OUT/requests.jsonl"
  heartbeat
done
stamp; PHASE_END_US=$_now
if [[ -n $SAMPLER_PID ]]; then kill "$SAMPLER_PID" 2>/dev/null; wait "$SAMPLER_PID" 2>/dev/null; SAMPLER_PID=""; fi

phase result
OK_COUNT=$(jq -s '[.[] | select(.ok)] | length' "$OUT/requests.jsonl")
[[ $OK_COUNT -gt 0 ]] || die 6 "no successful throughput request out of $n (last error: ${R_ERROR:-none})"

# GPU aggregates over every sample line (all GPUs); non-numeric readings ("[N/A]") are skipped, not zeroed.
GPU_STATS=$(awk -F, 'NR > 1 {
    for (c = 3; c <= 7; c++) if ($c ~ /^ *[0-9]+(\.[0-9]+)? *$/) { v = $c + 0; s[c] += v; k[c]++; if (!(c in m) || v > m[c]) m[c] = v }
  }
  function avg(c) { return (c in k) ? sprintf("%.1f", s[c] / k[c]) : "null" }
  function mx(c) { return (c in m) ? sprintf("%.1f", m[c]) : "null" }
  END {
    printf "{\"avg_utilization_pct\":%s,\"max_utilization_pct\":%s,\"avg_memory_used_mib\":%s,\"max_memory_used_mib\":%s,", avg(3), mx(3), avg(4), mx(4)
    printf "\"avg_temperature_c\":%s,\"max_temperature_c\":%s,\"avg_power_draw_w\":%s,\"max_power_draw_w\":%s}\n", avg(6), mx(6), avg(7), mx(7)
  }' "$OUT/gpu.csv")

SHOW=$(curl -fsS --max-time 10 -H 'Content-Type: application/json' -d "$(jq -cn --arg m "$MODEL" '{model: $m, name: $m}')" "$OLLAMA_URL/api/show" 2>/dev/null || echo '{}')
TAGS=$(curl -fsS --max-time 10 "$OLLAMA_URL/api/tags" 2>/dev/null || echo '{}')
VERSION=$(curl -fsS --max-time 10 "$OLLAMA_URL/api/version" 2>/dev/null | jq -r '.version // empty' 2>/dev/null)

jq -n \
  --arg suite "$SUITE_VERSION" --arg model "$MODEL" --arg version "$VERSION" \
  --arg gpu_name "$GPU_NAME" --argjson gpu_mem "$GPU_MEMORY_MIB" --argjson gpu_count "$GPU_COUNT" \
  --arg driver "$DRIVER_VERSION" --arg cuda "$CUDA_VERSION" --arg cpu "$CPU_MODEL" --argjson cores "${CPU_CORES:-0}" --argjson ram "$RAM_GIB" \
  --argjson duration "$DURATION" --argjson max_tokens "$MAX_TOKENS" --argjson warmup "$WARMUP" \
  --argjson t_start "$PHASE_START_US" --argjson t_end "$PHASE_END_US" \
  --argjson gpu "$GPU_STATS" --argjson show "$SHOW" --argjson tags "$TAGS" \
  --slurpfile requests "$OUT/requests.jsonl" --slurpfile quality "$OUT/quality.jsonl" '
  def r2: . * 100 | round / 100;
  def mean: if length == 0 then null else add / length end;
  # Nearest-rank percentile: the smallest value with at least p% of the samples at or below it.
  def pct(p): if length == 0 then null else sort | .[([((p / 100) * length | ceil) - 1, 0] | max)] end;
  def nz: if . == "" then null else . end;
  ($requests | map(select(.ok))) as $ok
  | ($ok | map(.tps | select(. != null))) as $tps
  | ($ok | map(.latency_ms)) as $lat
  | ($ok | map(.ttft_ms | select(. != null))) as $ttft
  | (($t_end - $t_start) / 1e6) as $secs
  | ($ok | map(.eval_count) | add // 0) as $tokens
  | ($quality | map(select(.matched != null))) as $scored
  | ([$tags.models[]? | select(.name == $model or .model == $model)] | first) as $tag
  | {
      format: "gpu-shopper-ollama-bench/1",
      timestamp: (now | strftime("%Y-%m-%dT%H:%M:%SZ")),
      hardware: { gpu_name: $gpu_name, gpu_memory_mib: $gpu_mem, gpu_count: $gpu_count, driver_version: ($driver | nz),
                  cuda_version: ($cuda | nz), cpu_model: ($cpu | nz), cpu_cores: $cores, ram_gib: $ram },
      model: { name: $model, family: ($model | split(":")[0]), parameter_count: $show.details.parameter_size,
               quantization: $show.details.quantization_level,
               size_gb: (if $tag.size then ($tag.size / 1e9 | r2) else null end),
               runtime: "ollama", runtime_version: ($version | nz), digest: $tag.digest },
      test_config: { duration_minutes: ($duration / 60 | floor), duration_seconds: $duration, max_tokens: $max_tokens,
                     prompt_types: (($quality | map(.category)) + ["throughput"]), concurrent_reqs: 1,
                     warmup_requests: $warmup, suite_version: $suite },
      results: {
        total_requests: ($requests | length),
        total_tokens: $tokens,
        total_prompt_tokens: ($ok | map(.prompt_eval_count) | add // 0),
        total_errors: ($requests | map(select(.ok | not)) | length),
        duration_seconds: ($secs * 1000 | round / 1000),
        avg_tokens_per_second: ($tps | mean | if . == null then 0 else r2 end),
        min_tokens_per_second: ($tps | min), max_tokens_per_second: ($tps | max),
        p50_tokens_per_second: ($tps | pct(50)), p95_tokens_per_second: ($tps | pct(95)), p99_tokens_per_second: ($tps | pct(99)),
        end_to_end_tokens_per_second: (if $secs > 0 then $tokens / $secs | r2 else null end),
        avg_latency_ms: ($lat | mean | if . == null then null else r2 end),
        min_latency_ms: ($lat | min), max_latency_ms: ($lat | max),
        p50_latency_ms: ($lat | pct(50)), p95_latency_ms: ($lat | pct(95)), p99_latency_ms: ($lat | pct(99)),
        requests_per_minute: (if $secs > 0 then ($requests | length) / $secs * 60 | r2 else null end),
        avg_tokens_per_request: (if ($ok | length) > 0 then $tokens / ($ok | length) | r2 else null end),
        error_rate: (if ($requests | length) > 0 then (($requests | map(select(.ok | not)) | length) / ($requests | length) * 10000 | round / 10000) else null end),
        avg_ttft_ms: ($ttft | mean | if . == null then null else r2 end),
        p50_ttft_ms: ($ttft | pct(50)), p95_ttft_ms: ($ttft | pct(95)),
        match_rate: (if ($scored | length) > 0 then (($scored | map(select(.matched)) | length) / ($scored | length) * 10000 | round / 10000) else null end),
        prompts_with_expected: ($scored | length),
        prompts_matching: ($scored | map(select(.matched)) | length)
      },
      gpu_stats: $gpu,
      quality_results: ($quality | map({id, category, matched, ttft_ms, tps})),
      requests: $requests
    }' > "$OUT/result.json.tmp" || die 7 "could not build the result JSON"
mv -f "$OUT/result.json.tmp" "$OUT/result.json"
rm -f "$OUT"/raw-*
echo ok > "$OUT/done"
phase done
log "result written: $OUT/result.json"
exit 0
