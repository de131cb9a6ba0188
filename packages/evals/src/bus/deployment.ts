/** The key space of a deployment's queues and workers when EVALS_DEPLOYMENT is not set. */
export const DEFAULT_DEPLOYMENT = "evals";
