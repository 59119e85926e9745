package workflows

// ErrTypeBadWorkflowInput is the error type of a workflow started with input
// it cannot use; such a run fails at once instead of retrying.
const ErrTypeBadWorkflowInput = "BadWorkflowInput"
