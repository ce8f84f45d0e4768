/**
 * @gpu-shopper/simulator — stateful fakes of the Vast.ai, TensorDock and Blue Lobster HTTP APIs,
 * fake GPU nodes reachable over SSH, fault injection and a ground-truth ledger. Written from the
 * vendor contracts; imports no project package.
 */
export {
  startSimulator,
  SimulatorOptionsError,
  type RunningSimulator,
  type SimulatorOptions,
  type SimulatorUrls,
} from './simulator.js';
export {
  INSTANCE_STATES,
  InstanceWaitTimeoutError,
  type ClockState,
  type InstanceWait,
  type SimulatorControl,
} from './control/control-api.js';
export { FaultValidationError, parseFaultSpec, type ActiveFault, type FaultKind, type FaultSpec } from './faults/fault-schema.js';
export {
  OPERATIONS,
  VENDOR_NAMES,
  VENDOR_OPERATIONS,
  type InstanceState,
  type Operation,
  type RecordedRequest,
  type SimulatedInstance,
  type SimulatedOffer,
  type VendorName,
} from './model.js';
export { generateSshKeyPair, type SshKeyPair } from './node/ssh-keys.js';
