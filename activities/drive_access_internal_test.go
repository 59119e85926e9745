package activities

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"go.temporal.io/sdk/temporal"
	"google.golang.org/api/googleapi"
)

// TestDriveAccessResult_QuotaIsRetriedAndAccessIsTheOwnersAnswer: Drive's
// answers about one owner's access (404, 403 without a quota reason, 401)
// are results for the workflow to act on for that owner; quota 403s and
// 429/5xx are errors retried with backoff, never "access lost".
func TestDriveAccessResult_QuotaIsRetriedAndAccessIsTheOwnersAnswer(t *testing.T) {
	cases := []struct {
		code          int
		reason        string
		wantGone      bool
		wantForbidden bool
		wantRetryable bool
	}{
		{http.StatusNotFound, "notFound", true, false, false},
		{http.StatusForbidden, "insufficientFilePermissions", false, true, false},
		{http.StatusForbidden, "appNotAuthorizedToFile", false, true, false},
		{http.StatusUnauthorized, "authError", false, true, false},
		{http.StatusForbidden, "userRateLimitExceeded", false, false, true},
		{http.StatusForbidden, "rateLimitExceeded", false, false, true},
		{http.StatusForbidden, "dailyLimitExceeded", false, false, true},
		{http.StatusForbidden, "sharingRateLimitExceeded", false, false, true},
		{http.StatusTooManyRequests, "rateLimitExceeded", false, false, true},
		{http.StatusServiceUnavailable, "backendError", false, false, true},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%d %s", tc.code, tc.reason), func(t *testing.T) {
			err := &googleapi.Error{Code: tc.code, Message: tc.reason, Errors: []googleapi.ErrorItem{{Reason: tc.reason}}}
			res, isAccess := accessResult(err)
			if isAccess != (tc.wantGone || tc.wantForbidden) || res.Gone != tc.wantGone || (res.Forbidden != "") != tc.wantForbidden {
				t.Fatalf("accessResult = %+v, %v", res, isAccess)
			}
			if isAccess {
				return
			}
			var appErr *temporal.ApplicationError
			if !errors.As(driveError("files.get", err), &appErr) {
				t.Fatalf("driveError is not an application error")
			}
			if retryable := appErr.Type() == ErrTypeDriveUnavailable && !appErr.NonRetryable(); retryable != tc.wantRetryable {
				t.Fatalf("driveError = %s (non-retryable %v), want retryable %v", appErr.Type(), appErr.NonRetryable(), tc.wantRetryable)
			}
		})
	}
}
