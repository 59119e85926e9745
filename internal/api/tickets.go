package api

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/besunny/workflows/internal/api/apigen"
	"github.com/besunny/workflows/internal/live"
)

// CreateEventTicket trades the caller's JWT for a single-use stream ticket.
func (s *Server) CreateEventTicket(c echo.Context) error {
	p := principal(c)
	ticket, expires, err := live.IssueTicket(c.Request().Context(), s.store.Queries, p, s.cfg.Live.TicketTTL, time.Now())
	if err != nil {
		return err
	}
	q := "?ticket=" + url.QueryEscape(ticket)
	wsBase := strings.Replace(strings.Replace(s.cfg.PublicURL, "https://", "wss://", 1), "http://", "ws://", 1)
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(http.StatusCreated, apigen.EventTicket{
		Ticket: ticket, ExpiresAt: expires.UTC(),
		EventsUrl: s.cfg.PublicURL + eventsPath + q, WebsocketUrl: wsBase + websocketPath + q,
	})
}
