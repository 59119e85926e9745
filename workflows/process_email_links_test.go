package workflows

import (
	"slices"
	"sync"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/workflow"

	"github.com/besunny/workflows/activities"
)

func (s *processEmailSuite) TestLinkedFilesUpToTheCapAreWatchedTogether() {
	var da *activities.Drive
	s.env.RegisterActivity(da)
	s.env.RegisterWorkflow(DriveFileWorkflow)
	s.env.OnActivity(s.ea.ParseEmail, mock.Anything, key).Return(activities.ParseResult{Usernames: []string{"alice", "bob"}, DriveLinks: 10000}, nil)
	s.env.OnActivity(s.ea.ResolveRecipients, mock.Anything, mock.Anything).Return([]activities.Recipient{{Username: "alice", UserID: "u1"}, {Username: "bob", UserID: "u2"}}, nil)
	s.env.OnActivity(s.ea.StoreDocuments, mock.Anything, mock.Anything).Return([]activities.StoredDocument{
		{DocumentID: "d1", UserID: "u1", Username: "alice", ClassifyRevision: 1, UnwatchedLinks: 9997},
		{DocumentID: "d2", UserID: "u2", Username: "bob", ClassifyRevision: 1, UnwatchedLinks: 9997},
	}, nil)
	s.expectClassification("d1", 1)
	s.expectClassification("d2", 1)
	// The store hands back only the links within the cap.
	s.env.OnActivity(da.LinkedFiles, mock.Anything, []string{"d1", "d2"}).Return([]activities.FileRef{
		{FileID: "f1", OwnerID: "u1"}, {FileID: "f1", OwnerID: "u2"}, {FileID: "f2", OwnerID: "u1"}, {FileID: "f3", OwnerID: "u2"},
	}, nil)
	var mu sync.Mutex
	started := map[string][]string{}
	s.env.OnWorkflow(DriveFileWorkflow, mock.Anything, mock.Anything).Return(func(_ workflow.Context, in DriveFileInput) (DriveFileState, error) {
		mu.Lock()
		defer mu.Unlock()
		started[in.FileID] = in.Owners
		return DriveFileState{}, nil
	})
	s.expectOutcome()

	out := s.run()
	s.Equal(StatusProcessed, out.Status)
	s.Equal(3, out.WatchedFiles)
	s.Equal(9997, out.UnwatchedLinks, "the status says how many links were stored without a watch")
	s.Len(started, 3)
	s.True(slices.Equal([]string{"u1", "u2"}, started["f1"]), "one watch per file, for all its owners: %v", started["f1"])
}
