package api

import (
	"net/http"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/besunny/workflows/internal/auth"
	"github.com/besunny/workflows/internal/db"
)

// authenticate verifies the bearer token of every /api/ request and stores the
// caller in the request context, then applies the rate limits (a request
// without a valid token counts against its address, so a flood of bad
// tokens is refused too). A user's row is created (or refreshed) from the
// token's claims the first time this process sees them, after the limits,
// so a refused request writes nothing.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if path := c.Request().URL.Path; !strings.HasPrefix(path, "/api/") || path == callbackPath {
			if err := s.limits.admit(c, nil); err != nil {
				return err
			}
			return next(c)
		}
		if ticket := c.QueryParam("ticket"); ticket != "" && isStreamPath(c.Request().URL.Path) {
			p, err := s.streamPrincipal(c, ticket)
			if err != nil {
				return err
			}
			c.SetRequest(c.Request().WithContext(auth.WithPrincipal(c.Request().Context(), p)))
			return next(c)
		}
		header := c.Request().Header.Get(echo.HeaderAuthorization)
		scheme, token, ok := strings.Cut(header, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
			if err := s.limits.admit(c, nil); err != nil {
				return err
			}
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="besunny"`)
			return newProblem(http.StatusUnauthorized, "send Authorization: Bearer <JWT>")
		}
		ctx := c.Request().Context()
		p, err := s.verifier.Verify(ctx, token)
		if err != nil {
			if err := s.limits.admit(c, nil); err != nil {
				return err
			}
			s.log.InfoContext(ctx, "token refused", "error", err, "request_id", requestID(c))
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="besunny", error="invalid_token"`)
			return newProblem(http.StatusUnauthorized, "the bearer token is invalid or expired")
		}
		if err := s.limits.admit(c, &p); err != nil {
			return err
		}
		if p.IsUser() {
			if err := s.users.ensure(c, s, p); err != nil {
				return err
			}
		}
		c.SetRequest(c.Request().WithContext(auth.WithPrincipal(ctx, p)))
		return next(c)
	}
}

// principal returns the verified caller; authenticate guarantees one on /api/.
func principal(c echo.Context) auth.Principal {
	p, _ := auth.FromContext(c.Request().Context())
	return p
}

// requireUser returns the caller when it is an end user.
func requireUser(c echo.Context) (auth.Principal, error) {
	p := principal(c)
	if !p.IsUser() {
		return p, forbidden("this route needs a user token (with sub); the service role has no user")
	}
	return p, nil
}

// requireService returns the caller when it holds the service role.
func requireService(c echo.Context) (auth.Principal, error) {
	p := principal(c)
	if !p.IsService() {
		return p, forbidden("this route needs a token with role service_role")
	}
	return p, nil
}

// knownUsers remembers which users (with which claims) this process has
// already written, so authentication costs a database write only when a user
// is new or their email or name changed. It is bounded; when full it starts
// over, which only costs a few repeated upserts.
type knownUsers struct {
	mu   sync.Mutex
	seen map[string]struct{}
}

const knownUsersMax = 100_000

func (k *knownUsers) ensure(c echo.Context, s *Server, p auth.Principal) error {
	key := p.UserID.String() + "\x00" + p.Email + "\x00" + p.Name
	k.mu.Lock()
	_, ok := k.seen[key]
	k.mu.Unlock()
	if ok {
		return nil
	}
	_, err := s.store.UpsertUserFromClaims(c.Request().Context(), db.UpsertUserFromClaimsParams{ID: p.UserID, Email: p.Email, Name: p.Name})
	if err != nil {
		return err
	}
	k.mu.Lock()
	if k.seen == nil || len(k.seen) >= knownUsersMax {
		k.seen = map[string]struct{}{}
	}
	k.seen[key] = struct{}{}
	k.mu.Unlock()
	return nil
}
