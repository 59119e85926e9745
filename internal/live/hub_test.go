package live

import (
	"errors"
	"testing"

	"github.com/google/uuid"
)

func ev(id int64, user *uuid.UUID) *Event {
	return &Event{ID: id, UserID: user, Kind: KindDocumentCreated}
}

func ids(events []*Event) []int64 {
	out := make([]int64, len(events))
	for i, e := range events {
		out[i] = e.ID
	}
	return out
}

func TestHub_FansOutByUserAndServiceFilters(t *testing.T) {
	alice, bob := uuid.New(), uuid.New()
	h := NewHub(10, Limits{Buffer: 100, PerKey: 5, Total: 100}, nil)
	subAlice, _ := h.Subscribe(alice.String(), Filter{UserID: alice})
	subBob, _ := h.Subscribe(bob.String(), Filter{UserID: bob})
	subAll, _ := h.Subscribe("service", Filter{All: true})
	subOne, _ := h.Subscribe("service", Filter{UserID: alice})
	if subAlice.Start() != 10 {
		t.Fatalf("start = %d, want the hub's cursor 10", subAlice.Start())
	}
	h.Publish([]*Event{ev(9, &alice), ev(11, &alice), ev(12, &bob), ev(13, nil), ev(12, &bob), ev(14, &alice)})

	tests := []struct {
		name string
		sub  *Subscription
		want []int64
	}{
		{"alice", subAlice, []int64{11, 14}},
		{"bob", subBob, []int64{12}},
		{"service, all", subAll, []int64{11, 12, 13, 14}},
		{"service, alice", subOne, []int64{11, 14}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ids(tt.sub.Take())
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
	if h.Cursor() != 14 {
		t.Fatalf("cursor = %d, want 14", h.Cursor())
	}
}

func TestHub_FullBufferEndsOnlyThatSubscription(t *testing.T) {
	alice := uuid.New()
	h := NewHub(0, Limits{Buffer: 3, PerKey: 5, Total: 100}, nil)
	slow, _ := h.Subscribe(alice.String(), Filter{UserID: alice})
	fast, _ := h.Subscribe(alice.String(), Filter{UserID: alice})
	for i := int64(1); i <= 5; i++ {
		h.Publish([]*Event{ev(i, &alice)})
		fast.Take()
	}
	select {
	case <-slow.Done():
	default:
		t.Fatal("a subscription with more than Buffer events waiting is still open")
	}
	if !errors.Is(slow.Err(), ErrSlowConsumer) {
		t.Fatalf("err = %v, want ErrSlowConsumer", slow.Err())
	}
	if len(slow.Take()) != 0 {
		t.Fatal("an ended subscription still holds events")
	}
	select {
	case <-fast.Done():
		t.Fatal("the subscription that kept up was ended")
	default:
	}
	if h.Subscribers() != 1 {
		t.Fatalf("subscribers = %d, want 1", h.Subscribers())
	}
}

func TestHub_CapsPerCallerAndPerProcess(t *testing.T) {
	alice, bob := uuid.New(), uuid.New()
	h := NewHub(0, Limits{Buffer: 10, PerKey: 2, Total: 3}, nil)
	a1, _ := h.Subscribe(alice.String(), Filter{UserID: alice})
	if _, err := h.Subscribe(alice.String(), Filter{UserID: alice}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Subscribe(alice.String(), Filter{UserID: alice}); !errors.Is(err, ErrTooManyForCaller) {
		t.Fatalf("third stream of alice: %v, want ErrTooManyForCaller", err)
	}
	if _, err := h.Subscribe(bob.String(), Filter{UserID: bob}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Subscribe("service", Filter{All: true}); !errors.Is(err, ErrTooManyStreams) {
		t.Fatalf("fourth stream: %v, want ErrTooManyStreams", err)
	}
	a1.Close()
	a1.Close() // closing twice is harmless
	if _, err := h.Subscribe(alice.String(), Filter{UserID: alice}); err != nil {
		t.Fatalf("after a close alice may open one again: %v", err)
	}
}

func TestHub_CloseEndsEverySubscriptionAndRefusesNewOnes(t *testing.T) {
	alice := uuid.New()
	h := NewHub(0, Limits{Buffer: 10, PerKey: 2, Total: 3}, nil)
	s1, _ := h.Subscribe(alice.String(), Filter{UserID: alice})
	s2, _ := h.Subscribe("service", Filter{All: true})
	h.Close()
	for _, s := range []*Subscription{s1, s2} {
		<-s.Done()
		if !errors.Is(s.Err(), ErrHubClosed) {
			t.Fatalf("err = %v", s.Err())
		}
	}
	if _, err := h.Subscribe("service", Filter{All: true}); !errors.Is(err, ErrHubClosed) {
		t.Fatalf("subscribe after close: %v", err)
	}
	if h.Subscribers() != 0 {
		t.Fatalf("subscribers = %d", h.Subscribers())
	}
}

func TestEvent_EncodingsCarryIdKindAndOneLineOfJSON(t *testing.T) {
	alice := uuid.New()
	e := FromRow(dbEvent(7, &alice, KindEmailFinished, `{"status": "processed",
 "subject": "line\nbreak"}`))
	want := "id: 7\nevent: email.finished\ndata: " + string(e.JSON) + "\n\n"
	if string(e.SSE) != want {
		t.Fatalf("SSE = %q, want %q", e.SSE, want)
	}
	if string(e.JSON) == "" || e.JSON[0] != '{' {
		t.Fatalf("JSON = %s", e.JSON)
	}
	for _, b := range e.JSON {
		if b == '\n' {
			t.Fatalf("JSON holds a newline: %s", e.JSON)
		}
	}
	r := Resync(ResyncSlowConsumer, 7)
	if string(r.SSE) != "event: resync\ndata: {\"kind\":\"resync\",\"last_event_id\":7,\"reason\":\"slow_consumer\"}\n\n" {
		t.Fatalf("resync = %q", r.SSE)
	}
}
