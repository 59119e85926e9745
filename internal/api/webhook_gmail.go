package api

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/besunny/workflows/internal/api/apigen"
	"github.com/besunny/workflows/workflows"
)

// googleIssuers are the issuers of Google-signed OIDC tokens.
var googleIssuers = map[string]bool{"accounts.google.com": true, "https://accounts.google.com": true}

// GmailPush receives a Pub/Sub push for the mailbox. It verifies the push's
// OIDC token, then only signals the mailbox's workflow — the workflow reads
// Gmail — so it answers within milliseconds and Pub/Sub never times out.
func (s *Server) GmailPush(c echo.Context) error {
	ctx := c.Request().Context()
	if s.pushVerifier == nil {
		return notFound("Gmail push is not enabled (GOOGLE_MODE=off)")
	}
	scheme, token, _ := strings.Cut(c.Request().Header.Get(echo.HeaderAuthorization), " ")
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		return newProblem(http.StatusUnauthorized, "a Pub/Sub push needs Authorization: Bearer <OIDC token>")
	}
	payload, err := s.pushVerifier.Validate(ctx, token, s.cfg.Gmail.PushAudience)
	if err != nil {
		s.log.WarnContext(ctx, "gmail push refused: invalid token", "error", err)
		return newProblem(http.StatusUnauthorized, "the push token is invalid, expired or not for this audience")
	}
	if !googleIssuers[payload.Issuer] {
		s.log.WarnContext(ctx, "gmail push refused: issuer", "issuer", payload.Issuer)
		return newProblem(http.StatusUnauthorized, "the push token was not issued by Google")
	}
	email, _ := payload.Claims["email"].(string)
	verified, _ := payload.Claims["email_verified"].(bool)
	if !strings.EqualFold(email, s.cfg.Gmail.PushServiceAccount) || !verified {
		s.log.WarnContext(ctx, "gmail push refused: service account", "email", email, "email_verified", verified)
		return forbidden("the push was not sent by the configured service account (PUBSUB_SERVICE_ACCOUNT)")
	}

	var push apigen.PubSubPush
	if err := json.NewDecoder(c.Request().Body).Decode(&push); err != nil {
		return badRequest("the body is not a Pub/Sub push envelope: " + err.Error())
	}
	if sub := s.cfg.Gmail.PushSubscription; sub != "" && (push.Subscription == nil || *push.Subscription != sub) {
		s.log.WarnContext(ctx, "gmail push refused: subscription", "subscription", push.Subscription)
		return forbidden("the push comes from another subscription than PUBSUB_SUBSCRIPTION")
	}
	notice, err := decodeGmailNotice(push.Message.Data)
	if err != nil {
		s.log.WarnContext(ctx, "gmail push with bad data", "error", err)
		return badRequest(err.Error())
	}
	if !strings.EqualFold(notice.EmailAddress, s.cfg.Inbound.Mailbox) {
		// Acknowledge, or Pub/Sub would redeliver a push no retry can serve.
		s.log.WarnContext(ctx, "gmail push for a mailbox this deployment does not read", "mailbox", notice.EmailAddress)
		return c.NoContent(http.StatusNoContent)
	}
	address := strings.ToLower(notice.EmailAddress)
	_, err = s.temporal.SignalWithStartWorkflow(ctx, workflows.MailboxWorkflowID(address), workflows.PushSignal,
		workflows.PushNotice{HistoryID: notice.HistoryID, At: time.Now().UTC()},
		workflows.MailboxStartOptions(s.cfg.Temporal.TaskQueue, address),
		workflows.MailboxWorkflow, workflows.MailboxInput{Address: address})
	if err != nil {
		return fmt.Errorf("signal mailbox %s: %w", address, err)
	}
	return c.NoContent(http.StatusNoContent)
}

type decodedNotice struct {
	EmailAddress string
	HistoryID    string
}

// decodeGmailNotice reads the JSON inside a Gmail push. Real pushes send
// historyId as a JSON number; some tooling sends a string: both are accepted.
func decodeGmailNotice(data string) (decodedNotice, error) {
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		if raw, err = base64.URLEncoding.DecodeString(data); err != nil {
			return decodedNotice{}, fmt.Errorf("message.data is not base64")
		}
	}
	var n struct {
		EmailAddress string          `json:"emailAddress"`
		HistoryID    json.RawMessage `json:"historyId"`
	}
	if err := json.Unmarshal(raw, &n); err != nil {
		return decodedNotice{}, fmt.Errorf("message.data is not a Gmail notification: %v", err)
	}
	if n.EmailAddress == "" {
		return decodedNotice{}, fmt.Errorf("the Gmail notification has no emailAddress")
	}
	id := strings.Trim(string(n.HistoryID), `"`)
	if _, err := strconv.ParseUint(id, 10, 64); err != nil {
		return decodedNotice{}, fmt.Errorf("historyId %s is not a number", n.HistoryID)
	}
	return decodedNotice{EmailAddress: n.EmailAddress, HistoryID: id}, nil
}
