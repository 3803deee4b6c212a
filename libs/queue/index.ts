export { OperationQueues, QUEUE_NAME, type OperationJobData } from './operation-queues.ts';
export { startReplicaWorker, type OperationHandler } from './replica-worker.ts';
export { CompletionPublisher, CompletionWaiters } from './completions.ts';
