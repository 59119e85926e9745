package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http/httputil"
	"strings"
	"time"
)

// subscriber is one SSE stream held by the bench, read with as little
// memory as it takes: a raw connection and small buffers, so the bench
// process can hold as many as the API.
type subscriber struct {
	conn net.Conn
}

// subscribe opens GET path with the bearer token, waits for the stream's
// ready message and then calls onData (from the subscriber's goroutine) with
// every event's data line and when it was read.
func subscribe(addr, path, token string, onData func(data []byte, at time.Time)) (*subscriber, error) {
	conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return nil, err
	}
	_ = conn.SetDeadline(time.Now().Add(60 * time.Second))
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nAccept: text/event-stream\r\n\r\n", path, addr, token)
	br := bufio.NewReaderSize(conn, 2048)
	status, err := br.ReadString('\n')
	if err != nil {
		conn.Close()
		return nil, err
	}
	if !strings.Contains(status, " 200 ") {
		conn.Close()
		return nil, fmt.Errorf("stream answered %q", strings.TrimSpace(status))
	}
	chunked := false
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			conn.Close()
			return nil, err
		}
		if strings.EqualFold(strings.TrimSpace(line), "Transfer-Encoding: chunked") {
			chunked = true
		}
		if line == "\r\n" {
			break
		}
	}
	body := br
	if chunked {
		body = bufio.NewReaderSize(httputil.NewChunkedReader(br), 2048)
	}
	// The ready message opens the stream.
	for {
		line, err := body.ReadSlice('\n')
		if err != nil {
			conn.Close()
			return nil, err
		}
		if bytes.HasPrefix(line, []byte("event: ready")) {
			break
		}
	}
	_ = conn.SetDeadline(time.Time{})
	go func() {
		for {
			line, err := body.ReadSlice('\n')
			if err != nil {
				return
			}
			if bytes.HasPrefix(line, []byte("data: ")) {
				onData(line, time.Now())
			}
		}
	}()
	return &subscriber{conn: conn}, nil
}

func (s *subscriber) close() { s.conn.Close() }
