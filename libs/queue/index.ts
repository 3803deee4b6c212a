export { OperationQueues, QUEUE_NAME, EVENTS_MAX_LEN, type OperationJobData } from './operation-queues.ts';
export { startReplicaWorker, type OperationHandler } from './replica-worker.ts';
export { CompletionPublisher, CompletionWaiters } from './completions.ts';
export { BacklogGauge } from './backlog.ts';
