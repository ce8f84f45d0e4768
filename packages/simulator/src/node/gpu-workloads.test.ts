import { makeTestNode } from '../testing/node-fixture.js';
import { type FakeGpuNode } from './fake-gpu-node.js';

// The idle probe's two commands (packages/ssh: GPU_STATUS_COMMAND, GPU_APPS_COMMAND), verbatim.
const GPU_STATUS_COMMAND = 'nvidia-smi --query-gpu=name,memory.used,memory.total,utilization.gpu,temperature.gpu,power.draw --format=csv,noheader,nounits';
const GPU_APPS_COMMAND = 'nvidia-smi --query-compute-apps=pid,process_name,used_memory --format=csv,noheader,nounits';

function makeNode(): FakeGpuNode {
  return makeTestNode({ vendor: 'tensordock', users: ['user'] }).node;
}

const utilizations = (stdout: string): number[] => stdout.trim().split('\n').map((line) => Number(line.split(',')[3]));

describe('GPU workloads on a simulated node: what runs over SSH shows in nvidia-smi', () => {
  it('answers every query the idle probe sends: idle at first', async () => {
    const node = makeNode();
    const status = await node.exec(GPU_STATUS_COMMAND);
    expect(status.code).toBe(0);
    expect(utilizations(status.stdout)).toEqual([0, 0]);
    expect(await node.exec(GPU_APPS_COMMAND)).toEqual({ stdout: '', stderr: '', code: 0 });
    const header = await node.exec('nvidia-smi --query-compute-apps=pid,process_name,used_memory --format=csv');
    expect(header.stdout).toBe('pid, process_name, used_gpu_memory [MiB]\n');
  });

  it('a training script started over SSH raises utilisation and is listed; kill makes the node idle again', async () => {
    const node = makeNode();
    const started = await node.exec('python train.py --epochs 3');
    expect(started.code).toBe(0);
    const pid = /pid (\d+)/.exec(started.stdout)?.[1];
    expect(pid).toBeDefined();
    expect(utilizations((await node.exec(GPU_STATUS_COMMAND)).stdout)).toEqual([97, 97]);
    const apps = await node.exec(GPU_APPS_COMMAND);
    expect(apps.stdout).toBe(`${pid}, python3, 14738\n${pid}, python3, 14738\n`);
    expect((await node.exec('pgrep -f train.py')).stdout).toBe(`${pid}\n`);
    expect((await node.exec(`kill ${pid}`)).code).toBe(0);
    expect(utilizations((await node.exec(GPU_STATUS_COMMAND)).stdout)).toEqual([0, 0]);
    expect((await node.exec(GPU_APPS_COMMAND)).stdout).toBe('');
  });

  it('a background job (nohup … &) counts as well; pkill stops it; python without a script holds no GPU', async () => {
    const node = makeNode();
    const background = await node.exec('nohup python3 finetune.py > /tmp/train.log 2>&1 & echo started');
    expect(background.stdout).toBe('started\n');
    expect((await node.exec('cat /tmp/train.log')).stdout).toMatch(/finetune\.py running as pid \d+/);
    await node.exec('python3 eval.py');
    expect((await node.exec(GPU_APPS_COMMAND)).stdout.trim().split('\n')).toHaveLength(4);
    expect((await node.exec('pkill -f finetune')).code).toBe(0);
    expect((await node.exec('pkill python3')).code).toBe(0);
    expect(utilizations((await node.exec(GPU_STATUS_COMMAND)).stdout)).toEqual([0, 0]);
    expect((await node.exec('python3 --version')).stdout).toBe('Python 3.10.12\n');
    expect((await node.exec('python3 -c "print(1)"')).code).toBe(2);
    expect((await node.exec(GPU_APPS_COMMAND)).stdout).toBe('');
    // Nothing else is installed on a fresh node.
    expect((await node.exec('ollama run llama3.1:8b')).code).toBe(127);
  });
});
