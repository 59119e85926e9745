package attendeefake

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Delivery is the record of one webhook delivery, for tests and the demo.
type Delivery struct {
	IdempotencyKey string `json:"idempotency_key"`
	BotID          string `json:"bot_id"`
	Trigger        string `json:"trigger"`
	URL            string `json:"url"`
	// NewState is the state a bot.state_change announced.
	NewState string `json:"new_state,omitempty"`
	// Outcome is pending, delivered, failed (attempts exhausted) or dropped
	// (a fault: never sent).
	Outcome  string `json:"outcome"`
	Attempts int    `json:"attempts"`
	// Statuses are the HTTP answers, 0 for a transport error.
	Statuses []int `json:"statuses,omitempty"`
	// Duplicate marks the second copy of a duplicated delivery.
	Duplicate bool `json:"duplicate,omitempty"`
	// Delayed marks a delivery held back by a fault.
	Delayed bool      `json:"delayed,omitempty"`
	Queued  time.Time `json:"queued"`
}

// outgoing is a webhook ready to send: built under the fake's lock, sent
// after it is released.
type outgoing struct {
	record *Delivery
	url    string
	body   []byte
	sig    string
}

// deliveries sends webhooks the way Attendee's Celery task does: each
// delivery on its own (so they may arrive out of order), up to
// WebhookAttempts tries with exponential backoff, and a 2xx within the
// client's timeout counts as delivered.
type deliveries struct {
	f   *Fake
	wg  sync.WaitGroup
	mu  sync.Mutex
	log []*Delivery
}

func newDeliveries(f *Fake) *deliveries { return &deliveries{f: f} }

// stateChange builds the bot.state_change webhooks of ev; callers hold
// f.mu.
func (d *deliveries) stateChange(b *bot, ev botEvent) []outgoing {
	var sub any
	if ev.SubType != "" {
		sub = ev.SubType
	}
	meta := object{}
	for _, k := range sortedKeys(ev.Metadata) {
		meta = append(meta, member{k, ev.Metadata[k]})
	}
	// The keys in the order bots/models.py builds the payload.
	data := object{
		{"event_type", ev.Type}, {"event_sub_type", sub}, {"event_metadata", meta},
		{"old_state", ev.OldState}, {"new_state", ev.NewState}, {"created_at", pythonISO(ev.CreatedAt)},
	}
	return d.build(b, "bot.state_change", data, ev.NewState)
}

// utterance builds the transcript.update webhooks of s; callers hold f.mu.
func (d *deliveries) utterance(b *bot, s spoken) []outgoing {
	data := object{
		{"speaker_name", s.Speaker}, {"speaker_uuid", s.SpeakerUUID}, {"speaker_user_uuid", nil},
		{"speaker_is_host", s.Host}, {"timestamp_ms", s.TimestampMS}, {"duration_ms", s.DurationMS},
		{"transcription", object{{"transcript", s.Text}}},
	}
	return d.build(b, "transcript.update", data, "")
}

func (d *deliveries) build(b *bot, trigger string, data object, newState string) []outgoing {
	var out []outgoing
	for _, sub := range b.Webhooks {
		if !sub.has(trigger) {
			continue
		}
		var meta any
		if b.Metadata != nil {
			meta = b.Metadata
		}
		// deliver_webhook_task.py: idempotency key, bot id and metadata,
		// trigger, data.
		payload := object{{"idempotency_key", newUUID()}, {"bot_id", b.ID}, {"bot_metadata", meta},
			{"trigger", trigger}, {"data", data}}
		body, err := encodePython(payload, wireStyle)
		if err != nil {
			d.f.log.Error("attendeefake: encoding webhook", "err", err)
			continue
		}
		signed, err := encodePython(payload, signedStyle)
		if err != nil {
			d.f.log.Error("attendeefake: encoding webhook", "err", err)
			continue
		}
		mac := hmac.New(sha256.New, d.f.secret)
		mac.Write(signed)
		rec := &Delivery{IdempotencyKey: payload[0].value.(string), BotID: b.ID, Trigger: trigger, URL: sub.URL,
			NewState: newState, Outcome: "pending", Queued: d.f.now()}
		out = append(out, outgoing{record: rec, url: sub.URL, body: body, sig: base64.StdEncoding.EncodeToString(mac.Sum(nil))})
	}
	return out
}

// send starts the deliveries; faults may drop, delay or duplicate them.
func (d *deliveries) send(out []outgoing) {
	for _, o := range out {
		fault := d.f.planWebhook()
		o.record.Delayed = fault.delay > 0
		if fault.drop {
			o.record.Outcome = "dropped"
		}
		d.mu.Lock()
		d.log = append(d.log, o.record)
		d.mu.Unlock()
		if fault.drop {
			d.f.log.Info("attendeefake: webhook dropped (fault)", "bot", o.record.BotID, "trigger", o.record.Trigger)
			continue
		}
		d.wg.Add(1)
		go d.deliver(o, fault.delay)
		if fault.duplicate {
			dup := *o.record
			dup.Duplicate, dup.Delayed, dup.Statuses = true, false, nil
			d.mu.Lock()
			d.log = append(d.log, &dup)
			d.mu.Unlock()
			copyOut := o
			copyOut.record = &dup
			d.wg.Add(1)
			go d.deliver(copyOut, fault.delay+fault.duplicateAfter)
		}
	}
}

func (d *deliveries) deliver(o outgoing, delay time.Duration) {
	defer d.wg.Done()
	ctx := d.f.ctx
	if !sleepCtx(ctx, delay) {
		return
	}
	wait := d.f.opts.WebhookBackoff
	for attempt := 1; ; attempt++ {
		status := d.post(ctx, o)
		d.mu.Lock()
		o.record.Attempts = attempt
		o.record.Statuses = append(o.record.Statuses, status)
		ok := status >= 200 && status < 300
		switch {
		case ok:
			o.record.Outcome = "delivered"
		case attempt >= d.f.opts.WebhookAttempts:
			o.record.Outcome = "failed"
		}
		d.mu.Unlock()
		if ok {
			return
		}
		if attempt >= d.f.opts.WebhookAttempts {
			d.f.log.Warn("attendeefake: webhook failed after retries", "bot", o.record.BotID, "url", o.url, "attempts", attempt)
			return
		}
		if !sleepCtx(ctx, wait) {
			return
		}
		wait *= 2
	}
}

func (d *deliveries) post(ctx context.Context, o outgoing) int {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.url, bytes.NewReader(o.body))
	if err != nil {
		return 0
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Attendee-Webhook/1.0")
	req.Header.Set("X-Webhook-Signature", o.sig)
	resp, err := d.f.opts.HTTPClient.Do(req)
	if err != nil {
		d.f.log.Debug("attendeefake: webhook attempt failed", "url", o.url, "err", err)
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// wait blocks until every started delivery has finished or given up.
func (d *deliveries) wait() { d.wg.Wait() }

// Deliveries returns the record of every webhook so far, oldest first.
func (f *Fake) Deliveries() []Delivery {
	f.hooks.mu.Lock()
	defer f.hooks.mu.Unlock()
	out := make([]Delivery, len(f.hooks.log))
	for i, d := range f.hooks.log {
		out[i] = *d
		out[i].Statuses = slices.Clone(d.Statuses)
	}
	return out
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// newUUID is a random (version 4) UUID, as Attendee's uuid.uuid4().
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
