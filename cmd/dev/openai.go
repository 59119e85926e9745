package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/openaifake"
)

// startSandboxOpenAI serves the fake OpenAI (chat completions with strict
// JSON schemas) at the sandbox URL, so CLASSIFIER=openai or hybrid works
// without an API key.
func startSandboxOpenAI(logger *slog.Logger) (stop func(), err error) {
	u, _ := url.Parse(config.SandboxOpenAIURL)
	ln, err := net.Listen("tcp", u.Host)
	if err != nil {
		return nil, fmt.Errorf("the sandbox OpenAI cannot listen on %s: %w", u.Host, err)
	}
	srv := &http.Server{Handler: openaifake.New(openaifake.Options{}), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("sandbox OpenAI stopped", "error", err)
		}
	}()
	logger.Info("sandbox OpenAI listening", "url", config.SandboxOpenAIURL)
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}
