package workflows

// All lists every workflow, for the worker to register and for replayers to
// know: one list, so a new workflow cannot be forgotten in either.
func All() []any {
	return []any{
		ProcessEmailWorkflow,
		ProcessEmailWorkflowV2,
		ClassifyDocumentWorkflow,
		ProjectOnboardingWorkflow,
		MailboxWorkflow,
		RenewWatchesWorkflow,
		DriveFileWorkflow,
		DriveSweepWorkflow,
		ReclassifyBacklogWorkflow,
		PruneEventsWorkflow,
		CalendarWorkflow,
		ClassifyMeetingWorkflow,
		MeetingBotWorkflow,
	}
}
