// What the module imports, with import(), only when execution.mode is 'bullmq': the one way
// into this folder, so a host app without bullmq installed never loads it.
export { BullMqMissionExecutor } from './bullmq-mission.executor.js';
export { MissionJobWorker } from './mission-job.worker.js';
export { MissionQueue } from './mission-queue.js';
