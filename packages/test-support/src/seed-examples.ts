/**
 * SEED.md's automation pattern, verbatim: the CLI's suite and the end-to-end acceptance suite both
 * run it through bash and jq, so it is written down once.
 */
export const SEED_AUTOMATION_PATTERN = `# Provision and capture session ID
SESSION_ID=$(./bin/gpu-shopper provision -c batch-job -g RTX4090 -t 2 -o json | jq -r '.session.id')
# Wait for session to be running
while [ "$(./bin/gpu-shopper sessions get $SESSION_ID -o json | jq -r '.status')" != "running" ]; do
sleep 5
done
# Run your workload...
# Clean up when done
./bin/gpu-shopper sessions done $SESSION_ID`;
