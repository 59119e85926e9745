package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/besunny/workflows/internal/config"
)

func printBanner(cfg config.Config, t temporalServer, tokens devTokens, took time.Duration) {
	api := localURL(cfg.HTTPAddr)
	temporalNote := "reused"
	if t.started {
		temporalNote = "started, state in .data/temporal.db"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nBeSunny is running (ready in %s).\n\n", took.Round(100*time.Millisecond))
	fmt.Fprintf(&b, "  API          %s\n", api)
	fmt.Fprintf(&b, "  API docs     %s/docs\n", api)
	fmt.Fprintf(&b, "  Temporal UI  %s/namespaces/%s/workflows   (%s)\n", strings.TrimRight(t.uiURL, "/"), cfg.Temporal.Namespace, temporalNote)
	fmt.Fprintf(&b, "  Metrics      %s/metrics (API), %s/metrics (worker)\n", api, localURL(cfg.MetricsAddr))
	switch cfg.Google.Mode {
	case config.GoogleSandbox:
		fmt.Fprintf(&b, "  Google       sandbox at %s: Gmail mailbox %s, Drive, Calendar, OAuth (demo is connected)\n", cfg.Google.SandboxURL, cfg.Inbound.Mailbox)
	default:
		fmt.Fprintf(&b, "  Google       %s\n", cfg.Google.Mode)
	}
	switch cfg.Attendee.Mode {
	case config.AttendeeSandbox:
		fmt.Fprintf(&b, "  Notetaker    sandbox Attendee at %s, webhooks to %s\n", cfg.Attendee.BaseURL, orNone(cfg.Attendee.WebhookURL()))
	case config.AttendeeLive:
		fmt.Fprintf(&b, "  Notetaker    Attendee at %s, webhooks to %s\n", cfg.Attendee.BaseURL, orNone(cfg.Attendee.WebhookURL()))
	default:
		fmt.Fprintf(&b, "  Notetaker    off (set ATTENDEE_API_KEY)\n")
	}
	switch {
	case cfg.Classify.Mode == config.ClassifierLocal:
		fmt.Fprintf(&b, "  Classifier   local\n")
	case cfg.Classify.LLMSandbox():
		fmt.Fprintf(&b, "  Classifier   %s, LLM: sandbox OpenAI at %s\n", cfg.Classify.Mode, cfg.Classify.OpenAIBaseURL)
	default:
		fmt.Fprintf(&b, "  Classifier   %s, LLM: %s at %s\n", cfg.Classify.Mode, cfg.Classify.OpenAIModel, cfg.Classify.OpenAIBaseURL)
	}
	fmt.Fprintf(&b, "\n  User token for demo (mail to ai+demo@%s), in .data/dev-token:\n    %s\n", firstOr(cfg.Inbound.Domains, "besunny.ai"), tokens.user)
	fmt.Fprintf(&b, "  Service-role token, in .data/service-token:\n    %s\n", tokens.service)
	fmt.Fprintf(&b, "\nTry it:\n")
	fmt.Fprintf(&b, "  make demo\n")
	fmt.Fprintf(&b, "  curl -H \"Authorization: Bearer $(cat .data/dev-token)\" %s/api/v1/documents\n", api)
	fmt.Fprintf(&b, "\nCtrl-C stops everything.\n\n")
	fmt.Fprint(os.Stdout, b.String())
}

// localURL turns a listen address (":8080") into a URL a browser can open.
func localURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

func waitHTTP(ctx context.Context, url string, d time.Duration) error {
	return waitFor(ctx, d, func() error {
		resp, err := http.Get(url)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s answered %d", url, resp.StatusCode)
		}
		return nil
	})
}

func orNone(s string) string {
	if s == "" {
		return "none (bots are polled)"
	}
	return s
}

func firstOr(list []string, def string) string {
	if len(list) > 0 {
		return list[0]
	}
	return def
}
