// Package googlefake is a local stand-in for the Google services BeSunny
// talks to: Gmail v1, Drive v3, Calendar v3, Google OAuth 2.0 and Pub/Sub push. It
// speaks the real wire format (paths, JSON shapes, 64-bit numbers as
// strings, Google's error envelope), so the real Go clients work against
// it unchanged. It backs the product's sandbox mode and the test suite.
//
// # Wiring
//
// Serve Server.Handler on one base URL (httptest.NewServer in tests, a
// loopback listener in sandbox mode) and point each client at it:
//
//	gmail.NewService(ctx, option.WithEndpoint(base+"/"), option.WithoutAuthentication())
//	drive.NewService(ctx, option.WithEndpoint(base+"/drive/v3/"), option.WithTokenSource(ts))
//	calendar.NewService(ctx, option.WithEndpoint(base+"/calendar/v3/"), option.WithTokenSource(ts))
//	oauth2.Config{Endpoint: oauth2.Endpoint{AuthURL: base+"/o/oauth2/auth", TokenURL: base+"/token"}}
//	revoke: POST base+"/revoke"; userinfo: base+"/oauth2/v3/userinfo"
//	push verification: NewTokenVerifier(base+"/oauth2/v3/certs", nil)
//
// Gmail calls are not authenticated; userId "me" is Options.DefaultMailbox
// unless the call carries an access token this fake issued. Drive calls
// and Calendar calls need a bearer token from the fake's OAuth endpoints
// (or Server.Token) with a Drive or Calendar scope.
//
// # What it models
//
// Gmail: messages get (raw/full/metadata/minimal), list (a subset of q,
// see parseQuery), modify, batchModify, attachments.get; history.list
// with retention and 404 past it; labels list/create; getProfile;
// watch/stop with Pub/Sub push carrying an RS256 OIDC token. Drive:
// files.get (fields, alt=media), files.export, files.watch with web_hook
// notifications, channels.stop. Calendar (see calendar*.go): events.list
// with pages, sync tokens (410 Gone when expired) and recurring events
// expanded by singleEvents, events.watch with sync/exists notifications,
// channels.stop, and invitations copied to guests who are accounts of the
// fake. Per-user quotas with Google's unit costs,
// and seeded fault injection (errors, latency, slow calls, hangs).
//
// Known simplifications are documented where they live: YYYY/MM/DD in q is
// UTC (Gmail uses Pacific time), any OAuth client id/secret is accepted,
// and files that were never shared with an account answer 404 while
// explicitly revoked access answers 403.
package googlefake
