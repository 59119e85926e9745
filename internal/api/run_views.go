package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"

	"github.com/besunny/workflows/internal/auth"
	"github.com/besunny/workflows/workflows"
)

// errNoOwnPart: a user asked for the status of a run shared with other users
// whose workflow type has no per-user view; the progress is left out rather
// than shown whole.
var errNoOwnPart = errors.New("the run is shared and has no per-user view")

// progressFor asks the run for its status (the workflow's status query) and
// shapes the answer for the caller. The service role sees it whole. A user
// sees their own part of a shared run through the workflow's per-user view
// (an email run: their own document; a Drive file: their own watch, without
// co-watchers and channel ids); a run of another type is shown whole only
// when the caller is its one owner.
func (s *Server) progressFor(ctx context.Context, p auth.Principal, workflowType, workflowID string, owners []string) (map[string]any, error) {
	v, err := s.temporal.QueryWorkflow(ctx, workflowID, "", workflows.StatusQuery)
	if err != nil {
		return nil, err
	}
	if p.IsService() {
		var out map[string]any
		return out, v.Get(&out)
	}
	user := p.UserID.String()
	switch {
	case workflows.IsEmailWorkflowType(workflowType):
		var st workflows.EmailStatus
		if err := v.Get(&st); err != nil {
			return nil, err
		}
		return asJSONObject(st.ForRecipient(user))
	case workflowType == "DriveFileWorkflow":
		var st workflows.DriveFileState
		if err := v.Get(&st); err != nil {
			return nil, err
		}
		return asJSONObject(st.ForOwner(user))
	}
	if len(owners) != 1 || owners[0] != user {
		return nil, errNoOwnPart
	}
	var out map[string]any
	return out, v.Get(&out)
}

// driveStatusFor is the file workflow's status as the owner may see it.
func (s *Server) driveStatusFor(ctx context.Context, workflowID, owner string) (map[string]any, error) {
	v, err := s.temporal.QueryWorkflow(ctx, workflowID, "", workflows.StatusQuery)
	if err != nil {
		return nil, err
	}
	var st workflows.DriveFileState
	if err := v.Get(&st); err != nil {
		return nil, err
	}
	return asJSONObject(st.ForOwner(owner))
}

// asJSONObject renders a status view as the JSON object the API returns.
func asJSONObject(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode status: %w", err)
	}
	var out map[string]any
	return out, json.Unmarshal(b, &out)
}

// runOwners lists the users a run belongs to (its BesunnyUserId search
// attribute).
func runOwners(attrs *commonpb.SearchAttributes) []string {
	payload, ok := attrs.GetIndexedFields()[workflows.AttrUserID.GetName()]
	if !ok {
		return nil
	}
	var ids []string
	if err := converter.GetDefaultDataConverter().FromPayload(payload, &ids); err != nil {
		return nil
	}
	return ids
}

// canSee reports whether p may see a run that belongs to owners.
func canSee(p auth.Principal, owners []string) bool {
	return p.IsService() || slices.Contains(owners, p.UserID.String())
}
