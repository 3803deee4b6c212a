export { OperationQueues, QUEUE_NAME, EVENTS_MAX_LEN, INLINE_OPERATION_BYTES, type Enqueued, type OperationJobData } from './operation-queues.ts';
export { startReplicaWorker, type OperationHandler, type QueuedOperation } from './replica-worker.ts';
export { LocalHandoff, type OfferedOperation } from './local-handoff.ts';
export { OfferedOperations } from './offered-operations.ts';
export { CompletionPublisher, CompletionWaiters } from './completions.ts';
export { BacklogGauge } from './backlog.ts';
